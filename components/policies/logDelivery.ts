// Who writes a load balancer's access logs into its bucket, by region. No imports: the policy pack
// (policy/) reads the same table to tell Elastic Load Balancing's own accounts from strangers.

/**
 * Elastic Load Balancing's log-delivery account of each region that existed before August 2022, as
 * the ELB user guide lists them ("Enable access logs for your Application Load Balancer", step 2:
 * docs.aws.amazon.com for the aws and aws-us-gov partitions, docs.amazonaws.cn for China; the same
 * table as aws-cdk-lib's region-info facts and the Terraform provider's aws_elb_service_account).
 * A bucket policy in these regions grants the account; every newer region has no such account and
 * takes the log-delivery service principal instead.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
};

/** The service principal that writes access logs in regions without a log-delivery account. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The service principal that writes VPC flow logs (and other vended logs) to S3. */
export const LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com";

/** The principal a bucket policy names for a region's access-log delivery. */
export function elbLogDeliveryPrincipal(region: string, partition: string): { AWS: string } | { Service: string } {
    const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
    return account ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}
