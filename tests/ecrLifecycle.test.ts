import { strict as assert } from "assert";
import { expiredImages, Image, LifecyclePolicy, LifecycleRule, lifecycleProblems } from "../offline/access/ecrLifecycle";

// The evaluator against the examples of ECR's own documentation ("Examples of lifecycle policies
// in Amazon ECR", Amazon ECR User Guide): the repository contents, policies and results there.

const NOW = Date.UTC(2025, 0, 31);
const DAY = 24 * 60 * 60 * 1000;
const image = (id: string, tags: string[], daysAgo: number): Image => ({ id, tags, pushedAt: NOW - daysAgo * DAY });
const expired = (policy: LifecyclePolicy, images: Image[]) => expiredImages(policy, images, NOW).map(i => i.id).sort();

const countRule = (rulePriority: number, tagPrefixList: string[], countNumber: number): LifecycleRule => ({
    rulePriority, selection: { tagStatus: "tagged", tagPrefixList, countType: "imageCountMoreThan", countNumber }, action: { type: "expire" },
});

describe("ECR lifecycle evaluator, against ECR's documented examples", () => {
    // "Filtering on multiple rules": the same repository under two priority orders.
    const multipleRules = [image("A", ["beta-1", "prod-1"], 10), image("B", ["beta-2", "prod-2"], 9), image("C", ["beta-3"], 8)];

    it("multiple rules, example A: prod first expires only A (B meets rule 1's tagging requirements)", () => {
        assert.deepEqual(expired({ rules: [countRule(1, ["prod"], 1), countRule(2, ["beta"], 1)] }, multipleRules), ["A"]);
    });

    it("multiple rules, example B: beta first expires A and B (rule 2 sees only what rule 1 already saw)", () => {
        assert.deepEqual(expired({ rules: [countRule(1, ["beta"], 1), countRule(2, ["prod"], 1)] }, multipleRules), ["A", "B"]);
    });

    it("multiple tags in a single rule, example A: an image must match every prefix; older than 5 days expires C", () => {
        const images = [image("A", ["alpha-1"], 12), image("B", ["beta-1"], 11), image("C", ["alpha-2", "beta-2"], 10),
            image("D", ["alpha-3"], 4), image("E", ["beta-3"], 3), image("F", ["alpha-4", "beta-4"], 2)];
        const policy: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: {
            tagStatus: "tagged", tagPrefixList: ["alpha", "beta"], countType: "sinceImagePushed", countNumber: 5, countUnit: "days",
        }, action: { type: "expire" } }] };
        assert.deepEqual(expired(policy, images), ["C"]);
    });

    it("multiple tags in a single rule, example B: tags are not exclusive; more than 1 expires A and B", () => {
        const images = [image("A", ["alpha-1", "beta-1", "gamma-1"], 10), image("B", ["alpha-2", "beta-2"], 9),
            image("C", ["alpha-3", "beta-3", "gamma-2"], 8)];
        assert.deepEqual(expired({ rules: [countRule(1, ["alpha", "beta"], 1)] }, images), ["A", "B"]);
    });

    it("filtering on image age: expires untagged images older than 14 days, nothing tagged", () => {
        const images = [image("old", [], 15), image("new", [], 13), image("tagged", ["v1"], 30)];
        const policy: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: {
            tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14,
        }, action: { type: "expire" } }] };
        assert.deepEqual(expired(policy, images), ["old"]);
    });

    it("filtering on image age with a tag pattern: expires images tagged prod* older than 14 days", () => {
        const images = [image("A", ["prod-1"], 20), image("B", ["production"], 15), image("C", ["prod-3"], 3), image("D", ["beta-1"], 20)];
        const policy: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: {
            tagStatus: "tagged", tagPatternList: ["prod*"], countType: "sinceImagePushed", countUnit: "days", countNumber: 14,
        }, action: { type: "expire" } }] };
        assert.deepEqual(expired(policy, images), ["A", "B"]);
    });

    it("filtering on image count: keeps only the newest untagged image", () => {
        const images = [image("A", [], 3), image("B", [], 2), image("C", [], 1), image("D", ["v1"], 9)];
        const policy: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: {
            tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1,
        }, action: { type: "expire" } }] };
        assert.deepEqual(expired(policy, images), ["A", "B"]);
    });

    it("beyond the examples: rules in any order, `any`, patterns taken literally but for `*`, every pattern matched, ages strictly older", () => {
        const example = [image("A", ["beta-1", "prod-1"], 10), image("B", ["beta-2", "prod-2"], 9), image("C", ["beta-3"], 8)];
        // Example A's policy with its rules written in the other order: ECR applies them by rulePriority.
        assert.deepEqual(expired({ rules: [countRule(2, ["beta"], 1), countRule(1, ["prod"], 1)] }, example), ["A"]);
        const rule = (selection: Partial<LifecycleRule["selection"]>): LifecyclePolicy => ({ rules: [{ rulePriority: 1,
            selection: { tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 1, ...selection } as LifecycleRule["selection"], action: { type: "expire" } }] });
        const images = [image("old", ["v1.0"], 4), image("untagged", [], 3), image("v12", ["v12"], 2), image("new", ["v1.1", "x-eu"], 1)];
        assert.deepEqual(expired(rule({ tagStatus: "any" }), images), ["old", "untagged", "v12"]);
        // `*` matches any tag, but an untagged image has none to match.
        assert.deepEqual(expired(rule({ tagPatternList: ["*"] }), images), ["old", "v12"]);
        // The dot is a dot: v1.* is not v12.
        assert.deepEqual(expired(rule({ tagPatternList: ["v1.*"] }), images), ["old"]);
        // Each pattern by any of the image's tags: only "new" has both.
        assert.deepEqual(expired(rule({ tagPatternList: ["v1.*", "*-eu"] }), [...images, image("newer", ["v1.2", "y-eu"], 0)]), ["new"]);
        const age = rule({ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 });
        assert.deepEqual(expired(age, [image("three days", [], 3), image("older", [], 3.01)]), ["older"]);
    });

    it("rejects what ECR rejects: an `any` rule before another, repeated priorities or prefixes, a tagged rule without tags", () => {
        const any: LifecycleRule = { rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } };
        assert.match(lifecycleProblems({ rules: [any, countRule(2, ["v"], 1)] }).join(), /tagStatus any must have the highest rulePriority/);
        assert.match(lifecycleProblems({ rules: [countRule(1, ["v"], 1), countRule(1, ["w"], 1)] }).join(), /unique/);
        assert.match(lifecycleProblems({ rules: [countRule(1, ["v"], 1), countRule(2, ["v"], 1)] }).join(), /prefixes must be unique/);
        assert.match(lifecycleProblems({ rules: [countRule(1, [], 1)] }).join(), /needs exactly one of tagPrefixList and tagPatternList/);
        assert.throws(() => expiredImages({ rules: [any, countRule(2, ["v"], 1)] }, [], NOW), /ECR would reject/);
        assert.deepEqual(lifecycleProblems({ rules: [countRule(1, ["v"], 1), { ...any, rulePriority: 2 }] }), []);
    });

    it("rejects each other property ECR refuses, naming the rule, and takes each at its lowest valid value", () => {
        const untagged = (rulePriority: number, selection: Partial<LifecycleRule["selection"]> = {}): LifecycleRule => ({ rulePriority,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1, ...selection }, action: { type: "expire" } });
        const problems = (...rules: LifecycleRule[]) => lifecycleProblems({ rules });
        assert.deepEqual(problems(untagged(1)), []);
        assert.deepEqual(problems(untagged(0)), ["rule 0: rulePriority must be a positive integer"]);
        assert.deepEqual(problems(untagged(1.5)), ["rule 1.5: rulePriority must be a positive integer"]);
        assert.deepEqual(problems({ ...untagged(1), action: { type: "delete" } as unknown as LifecycleRule["action"] }), ["rule 1: the action must be expire"]);
        assert.deepEqual(problems(untagged(1, { tagPrefixList: ["v"] })), ["rule 1: only a tagged rule may have a tag list"]);
        assert.deepEqual(problems(untagged(1, { tagPatternList: ["v*"] })), ["rule 1: only a tagged rule may have a tag list"]);
        assert.deepEqual(problems({ ...countRule(1, ["v"], 1), selection: { ...countRule(1, ["v"], 1).selection, tagPatternList: ["w*"] } }),
            ["rule 1: a tagged rule needs exactly one of tagPrefixList and tagPatternList"]);
        assert.deepEqual(problems(untagged(1, { countNumber: 0 })), ["rule 1: countNumber must be a positive integer"]);
        assert.deepEqual(problems(untagged(1, { countNumber: 2.5 })), ["rule 1: countNumber must be a positive integer"]);
        assert.deepEqual(problems(untagged(1, { countUnit: undefined })), ["rule 1: countUnit days goes with sinceImagePushed, and only with it"]);
        assert.deepEqual(problems(untagged(1, { countType: "imageCountMoreThan" })), ["rule 1: countUnit days goes with sinceImagePushed, and only with it"]);
        assert.deepEqual(problems(untagged(1, { countType: "imageCountMoreThan", countUnit: undefined })), []);
        assert.deepEqual(problems(untagged(1, { countType: "sinceImagePulled" as LifecycleRule["selection"]["countType"], countUnit: undefined })),
            ["rule 1: unknown countType sinceImagePulled"]);
        assert.deepEqual(problems(untagged(1), untagged(2)), ["only one rule may select untagged images"]);
        // ECR's own examples: ["*test*1*2*3", "test*1*2*3*"] is valid, "test*1*2*3*4*5*6" is not; each string is counted.
        const patterned = (tagPatternList: string[]): LifecycleRule => {
            const rule = countRule(1, [], 1);
            return { ...rule, selection: { ...rule.selection, tagPrefixList: undefined, tagPatternList } };
        };
        assert.deepEqual(problems(patterned(["*test*1*2*3", "test*1*2*3*"])), []);
        assert.deepEqual(problems(patterned(["*test*1*2*3", "test*1*2*3*4*"])), ["rule 1: a tag pattern may hold at most four wildcards"]);
        assert.deepEqual(problems(untagged(1, { tagStatus: "" as LifecycleRule["selection"]["tagStatus"] })), ["rule 1: unknown tagStatus "]);
    });
});
