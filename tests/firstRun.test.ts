import { configOf } from "../offline/access/access";
import { checkApplicationUrls, checkBuildLogs, checkPermissionsFirst } from "./properties/invariants";
import { evaluated } from "./support/stacks";

// The first `pulumi up`: what a service does as soon as its resource exists must already be
// allowed, and what it writes must land where the program keeps it. The property tests check the
// same on every generated stack (tests/properties/invariants.ts).

describe("the first run of a stack", () => {
    for (const stack of ["dev", "prod", "existing", "path"]) {
        it(`${stack}: every project, target, pipeline and service waits for its role's permissions, and every build logs to a kept group, every created target's URL reaches its production listener`, async () => {
            const e = await evaluated(stack);
            checkPermissionsFirst(e);
            checkBuildLogs(e.resources);
            checkApplicationUrls(e, configOf(e));
        });
    }
});
