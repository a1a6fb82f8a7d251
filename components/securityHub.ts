// AWS Security Hub's Foundational Security Best Practices (FSBP) controls, as far as the program
// and its policy pack share them: how a resource declares a control it knowingly fails, and the
// ports two controls judge. No imports: the policy pack (policy/) loads this file without the
// AWS SDK, and both sides read the same tag.

/**
 * The tag that lists, space-separated, the FSBP controls a resource fails by the stack's choice
 * (`ECS.2 ECS.16`): SECURITY.md gives each one's reason and compensating control; the policy pack
 * accepts exactly these failures; a Security Hub automation rule can suppress their findings by it.
 */
export const EXCEPTION_TAG = "security-hub-exceptions";

/** The tags that declare these controls' exceptions; none when there are none. */
export function exceptionTags(controls: string[]): Record<string, string> | undefined {
    return controls.length > 0 ? { [EXCEPTION_TAG]: [...new Set(controls)].sort().join(" ") } : undefined;
}

/** The controls a resource's tags declare as exceptions. */
export function declaredExceptions(tags: unknown): string[] {
    const value = typeof tags === "object" && tags !== null ? (tags as Record<string, unknown>)[EXCEPTION_TAG] : undefined;
    return typeof value === "string" ? value.split(" ").filter(Boolean) : [];
}

/** EC2.18's default `authorizedTcpPorts`: the only ports a security group may open to the whole internet. */
export const AUTHORIZED_PUBLIC_PORTS = [80, 443];

/** EC2.19's high-risk ports: none may be open to the whole internet. */
export const HIGH_RISK_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432,
    5500, 5601, 8080, 8088, 8888, 9200, 9300];

/** The whole IPv4 or IPv6 internet as a CIDR block. */
export const isInternet = (cidr: unknown) => cidr === "0.0.0.0/0" || cidr === "::/0";

/** The EC2.18 and EC2.19 failures of a security group that opens these ports to the internet. */
export function publicPortFailures(ports: number[]): string[] {
    return [
        ...ports.some(p => !AUTHORIZED_PUBLIC_PORTS.includes(p)) ? ["EC2.18"] : [],
        ...ports.some(p => HIGH_RISK_PORTS.includes(p)) ? ["EC2.19"] : [],
    ];
}

/** A container user that is root (`root`, `0`, with or without a group): what ECS.20 fails. */
export function isRootUser(user: string): boolean {
    return /^(root|0)(:|$)/.test(user);
}
