import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { requireProvider } from "./options";

/**
 * The providers CodeConnections connects CodePipeline's `CodeStarSourceConnection` action to
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html),
 * spelt as a connection's `ProviderType` (https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_Connection.html).
 */
export const CONNECTION_PROVIDERS = ["GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged", "Bitbucket"] as const;
export type ConnectionProvider = typeof CONNECTION_PROVIDERS[number];
/** Installed on the user's own servers: a connection to them goes through a host (CreateHost's ProviderType). */
export const SELF_MANAGED_PROVIDERS: readonly ConnectionProvider[] = ["GitHubEnterpriseServer", "GitLabSelfManaged"];

/** A server's host (GitHub Enterprise Server, GitLab self-managed): an existing one, or one to create. */
export type HostArgs =
    | { arn: string }
    | {
        /** The server's https:// URL. */
        endpoint: string;
        /** Where a server that the internet cannot reach is: CodeConnections reaches it from this VPC. */
        vpc?: { vpcId: string; subnetIds: string[]; securityGroupIds: string[]; tlsCertificate?: string };
    };

export interface SourceConnectionArgs {
    /** Physical name of the connection (at most 32 characters, unique in the account): what someone finds in the console. */
    connectionName: string;
    /** Physical name of a created host (at most 64 characters). */
    hostName: string;
    /** The connection's provider. */
    providerType: ConnectionProvider;
    /** GitHubEnterpriseServer and GitLabSelfManaged only: the server's host. */
    host?: HostArgs;
}

/**
 * Pipeline account: a CodeConnections connection to the repository's provider, and for a server
 * of the user's own a host. Both start PENDING: AWS creates them without credentials, and someone
 * completes the handshake once in the console (https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-update.html,
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-host-setup.html). Until then
 * the pipeline's source action fails.
 *
 * Neither is kept on destroy: a connection is a credential to the provider's repositories, and one
 * kept without its pipeline would be a credential nobody watches. The provider's side (the GitHub
 * App installation, say) stays, so a new connection's handshake picks it again in a minute.
 */
export class SourceConnection extends pulumi.ComponentResource {
    public readonly connectionArn: pulumi.Output<string>;
    /** PENDING until the handshake, then AVAILABLE (or ERROR). */
    public readonly connectionStatus: pulumi.Output<string>;
    public readonly hostArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: SourceConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cross-account-pipeline:source:SourceConnection", name, {}, opts);
        requireProvider("SourceConnection", opts);

        const hostArn = args.host && ("arn" in args.host ? pulumi.output(args.host.arn) : new aws.codeconnections.Host(`${name}-host`, {
            name: args.hostName,
            providerType: args.providerType,
            providerEndpoint: args.host.endpoint,
            vpcConfiguration: args.host.vpc,
        }, { parent: this, deleteBeforeReplace: true }).arn);

        const connection = new aws.codeconnections.Connection(name, {
            name: args.connectionName,
            // A connection names its provider, or the host that says which server it is.
            ...hostArn ? { hostArn } : { providerType: args.providerType },
        }, {
            parent: this,
            // The name is fixed and unique in the account: a new provider or host means a new connection under it.
            deleteBeforeReplace: true,
        });

        this.connectionArn = connection.arn;
        this.connectionStatus = connection.connectionStatus;
        this.hostArn = pulumi.output(hostArn);
        this.registerOutputs({ connectionArn: this.connectionArn, connectionStatus: this.connectionStatus, hostArn: this.hostArn });
    }
}
