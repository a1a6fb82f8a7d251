// The build in the pipeline account and the image repository it pushes to.
import { z } from "zod";
import { ecrRepositoryName, image, matching, wholeNumber } from "./values";

export const BuildSchema = z.strictObject({
    computeType: z.enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE",
        "BUILD_GENERAL1_2XLARGE"]).meta({ expected: "a CodeBuild compute type" }).default("BUILD_GENERAL1_SMALL")
        .describe("The CodeBuild compute type of the build.").meta({ examples: ["BUILD_GENERAL1_SMALL"] }),
    image: image("a CodeBuild image").default("aws/codebuild/amazonlinux2-x86_64-standard:5.0")
        .describe("The CodeBuild image the build runs in.").meta({ examples: ["aws/codebuild/amazonlinux2-x86_64-standard:5.0"] }),
    timeoutMinutes: wholeNumber(5, 480, "minutes").default(30)
        .describe("Minutes after which CodeBuild stops the build.").meta({ examples: [30] }),
    buildspec: matching(/^[\w.\/-]+\.ya?ml$/, "a path in the repository (omit it to use the generated buildspec)").optional()
        .describe("A buildspec in the repository, used instead of the generated one; it gets the same environment variables.")
        .meta({ examples: ["buildspec.yml"], derivedDefault: "none: the generated buildspec" }),
}).meta({ examples: [{ computeType: "BUILD_GENERAL1_SMALL", timeoutMinutes: 30 }] });

export const ImagesSchema = z.strictObject({
    repositoryName: ecrRepositoryName().optional()
        .describe("The pipeline account's ECR repository that the build pushes to and the target pulls from.")
        .meta({ examples: ["my-service"], derivedDefault: "`<project>-<stack>`, lowercase" }),
    keep: wholeNumber(2, 1000, "images").default(30)
        .describe("Released images the lifecycle policy keeps per stage of the path (each image a stage deploys is tagged " +
            "`release...` for it): how far back that stage can roll back. Builds never released expire after `artifactRetentionDays` " +
            "+ 3 days, however many there are.")
        .meta({ examples: [30] }),
}).meta({ examples: [{ repositoryName: "my-service", keep: 30 }] });

