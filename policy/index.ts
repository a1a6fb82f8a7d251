// Entry point of the policy pack, run by the Pulumi CLI (`--policy-pack policy`). Constructing a
// PolicyPack starts the analyzer server, so nothing but the CLI may load this file: tests import
// ./rules instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("cross-account-pipeline", {
    description: "What the cross-account pipeline promises: encrypted, TLS-only, private artifact buckets; rotating keys; "
        + "least-privilege IAM; cross-account trust scoped to roles; every AWS provider pinned to its account; and each AWS "
        + "Security Hub FSBP control that applies, but for the exceptions a resource declares.",
    enforcementLevel: "mandatory",
    policies,
});
