/// When two run names are close enough that one is likely a typo of the other: equal
/// but for case, or one small edit apart (one insertion, deletion or substitution, two
/// for names of eight characters or more), compared without case. Names whose digits
/// differ (`run-1` and `run-2`, `demo` and `demo2`) are numbered on purpose, not typos.
///
/// ```swift
/// RunNameSimilarity.areSimilar("Demo", "demo")     // true
/// RunNameSimilarity.areSimilar("demo", "dmeo")     // false: two edits in a short name
/// RunNameSimilarity.areSimilar("demo", "deno")     // true
/// RunNameSimilarity.areSimilar("run-1", "run-2")   // false: numbered on purpose
/// RunNameSimilarity.areSimilar("resnet-a", "vit-b") // false
/// ```
enum RunNameSimilarity {
    /// Whether `a` and `b` differ, but only by case or a small edit.
    static func areSimilar(_ a: String, _ b: String) -> Bool {
        guard a != b else { return false }
        let left = Array(a.lowercased())
        let right = Array(b.lowercased())
        if left == right { return true }
        guard left.filter(\.isNumber) == right.filter(\.isNumber) else { return false }
        let allowed = min(left.count, right.count) >= 8 ? 2 : 1
        guard abs(left.count - right.count) <= allowed else { return false }
        return distance(left, right) <= allowed
    }

    /// Levenshtein distance.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
