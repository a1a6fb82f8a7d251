// Writes the stack files' JSON Schema and rewrites the README's config reference, both from
// the config schema in stacks/config/ (stacks/config/jsonSchema.ts).
import * as fs from "fs";
import * as path from "path";
import { projectName, ROOT } from "../offline/engine/engine";
import { renderReadme, SCHEMA_FILE, stackFileSchema } from "../stacks/config/jsonSchema";

const schemaFile = path.join(ROOT, SCHEMA_FILE);
fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
fs.writeFileSync(schemaFile, `${JSON.stringify(stackFileSchema(projectName()), null, 2)}\n`);
const readme = path.join(ROOT, "README.md");
fs.writeFileSync(readme, renderReadme(fs.readFileSync(readme, "utf8")));
console.log(`wrote ${SCHEMA_FILE} and README.md's config reference`);
