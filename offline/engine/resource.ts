// A registered resource as the offline engine keeps it (offline/engine/engine.ts records it; the
// rules of offline/engine/apiRules.ts and the reports read it): its own module, so that the
// rules the engine runs need not import the engine.
import { Registration } from "./engineRules";
import { Placement } from "./mocks";

/** A registered resource: what the program asked for, and where it landed. */
export interface Resource extends Partial<Placement>, Registration {
    inputs: Record<string, any>;
    /** Outputs, as the mocks answered them (inputs included). */
    state: Record<string, any>;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /** The `import` option: the id of an existing resource to adopt; "" when the resource is created. */
    importId: string;
    /** The `deleteBeforeReplace` option: a replacement deletes the old resource first (its fixed name is unique). */
    deleteBeforeReplace: boolean;
}
