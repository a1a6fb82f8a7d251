// A target's listener ports: plain values (no resources, no Pulumi SDK), which the stack's config and reach use too.

/** The production listener's port when the stack names none: HTTPS's with a certificate, else HTTP's. */
export const defaultListenerPort = (https: boolean) => https ? 443 : 80;
