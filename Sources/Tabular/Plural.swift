/// Counted nouns for messages: "1 row", "2 rows", "1 class", "3 classes".
public enum Plural {
    /// `count` and the noun, plural unless the count is one.
    /// - Parameter plural: the plural form when it is not the noun plus "s" (or "es"
    ///   after s, x, ch and sh).
    public static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? noun : plural ?? regularPlural(noun))
    }

    static func regularPlural(_ noun: String) -> String {
        if noun.hasSuffix("s") || noun.hasSuffix("x") || noun.hasSuffix("ch") || noun.hasSuffix("sh") { return noun + "es" }
        return noun + "s"
    }
}
