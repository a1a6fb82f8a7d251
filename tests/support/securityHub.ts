// The Security Hub exceptions a stack's configuration calls for, written from the configuration
// alone (not from the program): a test compares them with what the program declares and what the
// controls' checks find.
import { AUTHORIZED_PUBLIC_PORTS, HIGH_RISK_PORTS } from "../../components/securityHub";
import { StackConfig } from "../../stacks/config/stackConfig";
import { stackNames } from "../../stacks/names";

const internet = (cidrs: string[]) => cidrs.includes("0.0.0.0/0");
const isRoot = (user: string) => ["root", "0"].includes(user.split(":")[0]);

/** `<control>@<logical name>` of every exception the configuration makes, sorted: the build's, and each created target's. */
export function expectedExceptions(config: StackConfig): string[] {
    const renderedBy = (task: { readonlyRootFilesystem: boolean; containerUser: string }) =>
        [...task.readonlyRootFilesystem ? [] : ["ECS.5"], ...isRoot(task.containerUser) ? ["ECS.20"] : []];
    // The one build renders every target's task definition.
    const rendered = [...new Set(config.targets.flatMap(t => renderedBy(t.create ?? t.existing!)))];
    const found = ["CodeBuild.5@pipeline-build", ...rendered.map(id => `${id}@pipeline-build`)];
    config.targets.forEach((target, i) => {
        const t = target.create;
        if (!t) {
            return;
        }
        const names = stackNames(config).targets[i];
        const at = (id: string, child: string) => `${id}@${names.logical.target}-${child}`;
        // The load balancer's own logical name: a long target's is fitted to its auto-name (stacks/names.ts).
        const balancer = (id: string) => `${id}@${names.created!.balancerNames.alb}`;
        found.push(...renderedBy(t).map(id => at(id, "task")));
        if (t.network.subnets === "public") {
            found.push(at("ECS.2", "service"), at("ECS.16", "service"));
        }
        if (!t.certificateArn) {
            found.push(balancer("ELB.1"));
        }
        if (!t.deletionProtection) {
            found.push(balancer("ELB.6"));
        }
        if (!t.network.existing) {
            found.push(at("EC2.15", "vpc"));
        }
        // With a certificate, port 80 redirects to HTTPS for ingressCidrs, unless a listener takes it.
        const redirect = t.certificateArn && ![t.productionPort, t.testPort].includes(80) ? [80] : [];
        const open = [...internet(t.ingressCidrs) ? [t.productionPort, ...redirect] : [], ...internet(t.testCidrs) ? [t.testPort] : []];
        if (open.some(p => !AUTHORIZED_PUBLIC_PORTS.includes(p))) {
            found.push(at("EC2.18", "alb"));
        }
        if (open.some(p => HIGH_RISK_PORTS.includes(p))) {
            found.push(at("EC2.19", "alb"));
        }
    });
    return found.sort();
}
