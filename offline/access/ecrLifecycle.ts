// An evaluator of ECR lifecycle policies, after ECR's documented semantics ("Lifecycle policy
// evaluation rules" in the Amazon ECR User Guide): used by the tests to see what a registered
// policy expires in a history of pushes and releases. Checked first against the examples in
// that guide (tests/ecrLifecycle.test.ts).

export interface LifecycleRule {
    rulePriority: number;
    description?: string;
    selection: {
        tagStatus: "tagged" | "untagged" | "any";
        tagPrefixList?: string[];
        tagPatternList?: string[];
        countType: "imageCountMoreThan" | "sinceImagePushed";
        countUnit?: "days";
        countNumber: number;
    };
    action: { type: "expire" };
}

export interface LifecyclePolicy {
    rules: LifecycleRule[];
}

export interface Image {
    /** Any identity; ECR's is the digest. */
    id: string;
    tags: string[];
    /** Milliseconds since the epoch. */
    pushedAt: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** The policy's problems, as ECR would reject it on PutLifecyclePolicy; empty when it is valid. */
export function lifecycleProblems(policy: LifecyclePolicy): string[] {
    const problems: string[] = [];
    const rules = policy.rules ?? [];
    const priorities = rules.map(r => r.rulePriority);
    if (new Set(priorities).size !== priorities.length) {
        problems.push("rulePriority values must be unique");
    }
    const highest = Math.max(...priorities);
    const prefixes: string[] = [];
    for (const { rulePriority: p, selection: s, action } of rules) {
        if (!Number.isInteger(p) || p < 1) {
            problems.push(`rule ${p}: rulePriority must be a positive integer`);
        }
        if (action?.type !== "expire") {
            problems.push(`rule ${p}: the action must be expire`);
        }
        if (!["tagged", "untagged", "any"].includes(s.tagStatus)) {
            problems.push(`rule ${p}: unknown tagStatus ${s.tagStatus}`);
        }
        const lists = [s.tagPrefixList, s.tagPatternList].filter(l => l !== undefined);
        if (s.tagStatus === "tagged" && (lists.length !== 1 || lists[0]!.length === 0)) {
            problems.push(`rule ${p}: a tagged rule needs exactly one of tagPrefixList and tagPatternList`);
        }
        // ECR's lifecycle policy properties: at most four wildcards (*) in each string of tagPatternList.
        if ((s.tagPatternList ?? []).some(pattern => pattern.split("*").length - 1 > 4)) {
            problems.push(`rule ${p}: a tag pattern may hold at most four wildcards`);
        }
        if (s.tagStatus !== "tagged" && lists.length > 0) {
            problems.push(`rule ${p}: only a tagged rule may have a tag list`);
        }
        if (s.tagStatus === "any" && p !== highest) {
            problems.push(`rule ${p}: a rule with tagStatus any must have the highest rulePriority`);
        }
        prefixes.push(...(s.tagPrefixList ?? []));
        if (!Number.isInteger(s.countNumber) || s.countNumber < 1) {
            problems.push(`rule ${p}: countNumber must be a positive integer`);
        }
        if ((s.countType === "sinceImagePushed") !== (s.countUnit === "days")) {
            problems.push(`rule ${p}: countUnit days goes with sinceImagePushed, and only with it`);
        }
        if (!["imageCountMoreThan", "sinceImagePushed"].includes(s.countType)) {
            problems.push(`rule ${p}: unknown countType ${s.countType}`);
        }
    }
    if (new Set(prefixes).size !== prefixes.length) {
        problems.push("the rules' tag prefixes must be unique");
    }
    if (rules.filter(r => r.selection.tagStatus === "untagged").length > 1) {
        problems.push("only one rule may select untagged images");
    }
    return problems;
}

/** A tagPatternList entry: `*` matches any run of characters, everything else itself. */
function matchesPattern(tag: string, pattern: string): boolean {
    return new RegExp(`^${pattern.split("*").map(p => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(tag);
}

/**
 * Whether an image meets a rule's tagging requirements. With several prefixes (or patterns), the
 * image must match all of them, each with any of its tags.
 */
function selects(rule: LifecycleRule, image: Image): boolean {
    const s = rule.selection;
    if (s.tagStatus === "any") {
        return true;
    }
    if (s.tagStatus === "untagged") {
        return image.tags.length === 0;
    }
    // A tagged rule has one list, never empty (lifecycleProblems): an untagged image matches none of it.
    return (s.tagPrefixList ?? []).every(prefix => image.tags.some(t => t.startsWith(prefix))) &&
        (s.tagPatternList ?? []).every(pattern => image.tags.some(t => matchesPattern(t, pattern)));
}

/** The images a rule would mark on its own: beyond the count (youngest first), or older than the age. */
function marks(rule: LifecycleRule, images: Image[], now: number): Image[] {
    const selected = images.filter(i => selects(rule, i));
    const { countType, countNumber } = rule.selection;
    if (countType === "imageCountMoreThan") {
        return [...selected].sort((a, b) => b.pushedAt - a.pushedAt).slice(countNumber);
    }
    return selected.filter(i => now - i.pushedAt > countNumber * DAY);
}

/**
 * The images a lifecycle run at `now` expires. Every rule sees every image (it still identifies
 * images that higher-priority rules expire); rules are then applied by priority, lowest number
 * first; an image is expired by at most one rule, and never by a rule of lower priority than a
 * rule whose tagging requirements it meets. Throws on a policy ECR would reject.
 */
export function expiredImages(policy: LifecyclePolicy, images: Image[], now: number): Image[] {
    const problems = lifecycleProblems(policy);
    if (problems.length > 0) {
        throw new Error(`ECR would reject this lifecycle policy: ${problems.join("; ")}`);
    }
    const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
    const expired = new Set<Image>();
    rules.forEach((rule, i) => {
        const higher = rules.slice(0, i);
        for (const image of marks(rule, images, now)) {
            if (!higher.some(h => selects(h, image))) {
                expired.add(image);
            }
        }
    });
    return images.filter(i => expired.has(i));
}
