import { AccessRow, AccessTable, sourceKindOf } from "../../offline/access/access";
import { StackConfig } from "../../stacks/config/stackConfig";
import { valueAt } from "../../stacks/config/issues";

/**
 * Why config says a row of the table does not apply to a stack, if it says so: the row is about
 * the other kind of source (a CodeCommit repository, a connection), about what only some stacks
 * have (`onlyIf`: a created VPC's flow logs), or it holds only for another value of a key (`when`). Tests accept a row the plan marks n/a only for such a reason (or, in
 * the property tests, for an existing target's parts); this reads the table, not the evaluation.
 */
export function configuredAbsence(table: AccessTable, row: AccessRow, config: StackConfig): string | undefined {
    const kind = sourceKindOf(config);
    const specs = [table.principals[row.principal], table.resources[row.resource]];
    const other = specs.map(spec => "source" in spec ? spec.source : undefined).find(source => source && source !== kind);
    if (other) {
        return `about a ${other} source`;
    }
    const unmet = specs.map(spec => "onlyIf" in spec ? spec.onlyIf : undefined).find(onlyIf => onlyIf && !onlyIf.test(config));
    if (unmet) {
        return unmet.reason;
    }
    if (row.when && valueAt(config, row.when.key.split(".")) !== row.when.is) {
        return `only with ${row.when.key}: ${row.when.is}`;
    }
    return undefined;
}
