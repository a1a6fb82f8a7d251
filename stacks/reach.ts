// How the pipeline reaches a created target over the network: the URL its check GETs (and where
// curl connects for it), and the link an approval's request shows a person. Both must work with
// the target's TLS certificate, which covers only names of the user's own domain.
import { defaultListenerPort } from "../components/target/ports";

/**
 * A load balancer's own DNS name, which ELB generates under `elb.amazonaws.com` (`.cn` in China).
 * No certificate of the user's can cover it: ACM issues a public certificate only for a domain
 * whose owner proves control of it (https://docs.aws.amazon.com/acm/latest/userguide/domain-ownership-validation.html),
 * so an https request to this name fails TLS verification.
 */
const LOAD_BALANCER_NAME = /\.elb\.amazonaws\.com(\.cn)?$/i;

/**
 * A stand-in for a load balancer's DNS name, as long as one can be: a name of at most 32 characters,
 * `internal-` before it, a hyphen and its id, the region and `.elb.amazonaws.com.cn`; 100 is more.
 */
export const LOAD_BALANCER_STAND_IN = `${"x".repeat(79)}.elb.amazonaws.com.cn`;

/** The host of an http(s) URL (no user info, no port). */
export function urlHost(url: string): string {
    return url.replace(/^https?:\/\//i, "").split(/[\/?#]/)[0].replace(/^.*@/, "").replace(/:\d*$/, "");
}

/** An https URL whose name is a load balancer's own: its TLS handshake can never verify. */
export function unverifiableHttps(url: string): boolean {
    return /^https:/i.test(url) && LOAD_BALANCER_NAME.test(urlHost(url));
}

/** What of a created target decides how it is reached. */
export interface Reachable {
    certificateArn?: string;
    domainName?: string;
    domainResolves: boolean;
    productionPort: number;
}

/** The scheme and the `:port` part of the production listener's URLs (none on the scheme's default port). */
function listener(t: Reachable) {
    const https = t.certificateArn !== undefined;
    return { scheme: https ? "https" : "http", port: t.productionPort === defaultListenerPort(https) ? "" : `:${t.productionPort}` };
}

/**
 * What a check by path GETs. With HTTPS it names domainName (a name the certificate covers) and
 * connects to the load balancer instead of resolving it (`curl --connect-to NAME:PORT:LB:PORT`):
 * TLS verifies against NAME, and no DNS record is needed. With HTTP it calls the load balancer.
 */
export function checkRequest(t: Reachable, path: string, loadBalancer: string): { url: string; connectTo?: string } {
    const { scheme, port } = listener(t);
    return t.domainName
        ? { url: `${scheme}://${t.domainName}${port}${path}`, connectTo: `${t.domainName}:${t.productionPort}:${loadBalancer}:${t.productionPort}` }
        : { url: `${scheme}://${loadBalancer}${port}${path}` };
}

/**
 * The page an approval links to: opened by a person's browser, which resolves the name, so the
 * domain only where DNS points it at the load balancer (domainResolves); else the load balancer's
 * own name (see reviewLinkWarns).
 */
export function reviewLink(t: Reachable, loadBalancer: string): string {
    const { scheme, port } = listener(t);
    return `${scheme}://${t.domainName && t.domainResolves ? t.domainName : loadBalancer}${port}/`;
}

/** The review link is the load balancer's own name over HTTPS: a browser warns about the certificate. */
export function reviewLinkWarns(t: Reachable): boolean {
    return t.certificateArn !== undefined && !(t.domainName && t.domainResolves);
}
