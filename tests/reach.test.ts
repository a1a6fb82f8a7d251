// How the pipeline reaches a created target (stacks/reach.ts): the host of a URL as curl reads it,
// which https URLs can never verify (a load balancer's own name), what a check GETs and where it
// connects, and the link an approval shows.
import { strict as assert } from "assert";
import { checkRequest, reviewLink, reviewLinkWarns, unverifiableHttps, urlHost } from "../stacks/reach";

const LB = "my-alb-1234567890.eu-west-1.elb.amazonaws.com";

describe("reaching a created target", () => {
    it("reads a URL's host without scheme, user info, port, path, query or fragment", () => {
        assert.deepEqual([
            "https://user:secret@Shop.Example.com:8443/health?full=1#top", "http://shop.example.com", "HTTPS://shop.example.com/",
            "https://shop.example.com:/health", "https://shop.example.com?ready", "https://shop.example.com#ready", "shop.example.com/health",
            "https://[2001:db8::1]:8443/",
        ].map(urlHost), ["Shop.Example.com", "shop.example.com", "shop.example.com", "shop.example.com", "shop.example.com", "shop.example.com",
            "shop.example.com", "[2001:db8::1]"]);
    });

    it("an https URL naming a load balancer's own DNS name (any case, China's too) can never verify; http, or a name of the user's domain, can", () => {
        const cases: [string, boolean][] = [
            [`https://${LB}/health`, true],
            [`HTTPS://${LB.toUpperCase()}:8443/`, true],
            ["https://my-alb-1.cn-north-1.elb.amazonaws.com.cn/", true],
            [`http://${LB}/health`, false],
            ["https://shop.example.com/health", false],
            // The name must end there: a user's domain that only contains it is theirs.
            [`https://${LB}.example.com/`, false],
            [`https://user@${LB}/`, true],
            [`http://${LB}/https://shop.example.com/`, false],
        ];
        assert.deepEqual(cases.map(([url]) => unverifiableHttps(url)), cases.map(([, unverifiable]) => unverifiable));
    });

    it("a check by path: over HTTPS it names the domain and connects to the load balancer; over HTTP it calls the load balancer; a port only off the default", () => {
        const https = { certificateArn: "arn:aws:acm:eu-west-1:222222222222:certificate/c", domainName: "shop.example.com", domainResolves: false };
        assert.deepEqual(checkRequest({ ...https, productionPort: 443 }, "/health", LB),
            { url: "https://shop.example.com/health", connectTo: `shop.example.com:443:${LB}:443` });
        assert.deepEqual(checkRequest({ ...https, productionPort: 8443 }, "/health", LB),
            { url: "https://shop.example.com:8443/health", connectTo: `shop.example.com:8443:${LB}:8443` });
        assert.deepEqual(checkRequest({ domainResolves: false, productionPort: 80 }, "/health", LB), { url: `http://${LB}/health` });
        assert.deepEqual(checkRequest({ domainResolves: false, productionPort: 443 }, "/", LB), { url: `http://${LB}:443/` });
        assert.deepEqual(checkRequest({ domainResolves: false, productionPort: 8080 }, "/", LB), { url: `http://${LB}:8080/` });
    });

    it("the approval's link: the domain only where DNS points it at the load balancer; a browser warns where an HTTPS link names the load balancer", () => {
        const target = (domainResolves: boolean, certificate = true) => ({ domainName: "shop.example.com", domainResolves, productionPort: certificate ? 443 : 80,
            ...certificate ? { certificateArn: "arn:aws:acm:eu-west-1:222222222222:certificate/c" } : {} });
        assert.equal(reviewLink(target(true), LB), "https://shop.example.com/");
        assert.equal(reviewLink(target(false), LB), `https://${LB}/`);
        assert.equal(reviewLink({ domainResolves: true, productionPort: 8080 }, LB), `http://${LB}:8080/`);
        assert.deepEqual([reviewLinkWarns(target(true)), reviewLinkWarns(target(false)), reviewLinkWarns(target(false, false)),
            reviewLinkWarns({ certificateArn: "arn:c", domainResolves: true, productionPort: 443 })], [false, true, false, true]);
    });
});
