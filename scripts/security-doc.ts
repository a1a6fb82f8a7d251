// Rewrites the generated section of SECURITY.md from the access table and the registered policies.
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../offline/engine/engine";
import { generatedSection, render } from "../offline/report/securityDoc";

const file = path.join(ROOT, "SECURITY.md");
generatedSection().then(section => {
    fs.writeFileSync(file, render(fs.readFileSync(file, "utf8"), section));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
}).catch(e => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
});
