// The Security Hub exceptions a stack's configuration calls for, written from the configuration
// alone (not from the program): a test compares them with what the program declares and what the
// controls' checks find.
import { AUTHORIZED_PUBLIC_PORTS, HIGH_RISK_PORTS } from "../../components/securityHub";
import { StackConfig } from "../../stacks/config";

const internet = (cidrs: string[]) => cidrs.includes("0.0.0.0/0");
const isRoot = (user: string) => ["root", "0"].includes(user.split(":")[0]);

/** `<control>@<logical name>` of every exception the configuration makes, sorted. */
export function expectedExceptions(config: StackConfig): string[] {
    const task = config.deployTarget.create ?? config.deployTarget.existing!;
    const rendered = [...task.readonlyRootFilesystem ? [] : ["ECS.5"], ...isRoot(task.containerUser) ? ["ECS.20"] : []];
    const found = ["CodeBuild.5@pipeline-build", ...rendered.map(id => `${id}@pipeline-build`)];
    const t = config.deployTarget.create;
    if (t) {
        found.push(...rendered.map(id => `${id}@target-task`));
        if (t.network.subnets === "public") {
            found.push("ECS.2@target-service", "ECS.16@target-service");
        }
        if (!t.certificateArn) {
            found.push("ELB.1@target-alb");
        }
        if (!t.deletionProtection) {
            found.push("ELB.6@target-alb");
        }
        if (!t.network.existing) {
            found.push("EC2.15@target-vpc");
        }
        // With a certificate, port 80 redirects to HTTPS for ingressCidrs, unless a listener takes it.
        const redirect = t.certificateArn && ![t.productionPort, t.testPort].includes(80) ? [80] : [];
        const open = [...internet(t.ingressCidrs) ? [t.productionPort, ...redirect] : [], ...internet(t.testCidrs) ? [t.testPort] : []];
        if (open.some(p => !AUTHORIZED_PUBLIC_PORTS.includes(p))) {
            found.push("EC2.18@target-alb");
        }
        if (open.some(p => HIGH_RISK_PORTS.includes(p))) {
            found.push("EC2.19@target-alb");
        }
    }
    return found.sort();
}
