import Tabular

/// One method of a preparation verb (`encode onehot`, `scale robust`, `bin quantile`, …)
/// with its settings: what the command table parses, completes and documents, and what the
/// engine turns into a recipe step. Adding a method is one entry here and one file with
/// its `PreparationStep` and `FittedTransform` (listed in `TransformRegistry`).
public struct PreparationMethod: Sendable {
    public let verb: String
    public let name: String
    public let summary: String
    public let settings: SettingsSchema
    /// What columns it takes; `numeric` and `categorical` select among these.
    public let takes: ColumnKind
    /// Whether it learns from the target (which must then be set).
    public let needsTarget: Bool
    private let make: @Sendable (_ columns: [String], _ settings: Settings, _ target: PreparationTarget?) throws -> RecipeStep

    public enum ColumnKind: Sendable {
        case numbers, categories, dates
    }

    init(_ verb: String, _ name: String, _ summary: String, takes: ColumnKind, settings: SettingsSchema = SettingsSchema([]),
         needsTarget: Bool = false, make: @escaping @Sendable ([String], Settings, PreparationTarget?) throws -> RecipeStep) {
        self.verb = verb
        self.name = name
        self.summary = summary
        self.takes = takes
        self.settings = settings
        self.needsTarget = needsTarget
        self.make = make
    }

    /// The recipe step for these columns and resolved settings (`target`: the target, for
    /// the methods that need it).
    /// - Throws: `LearningError` for settings that do not go together.
    /// A column named twice is taken once (a step that replaces a column by its outputs
    /// would not find it the second time).
    public func step(columns: [String], settings: Settings, target: PreparationTarget?) throws -> RecipeStep {
        var seen: Set<String> = []
        return try make(columns.filter { seen.insert($0).inserted }, settings, target)
    }
}

/// The target a method learns from.
public struct PreparationTarget: Sendable, Equatable {
    public var column: String
    public var classification: Bool

    public init(column: String, classification: Bool) {
        self.column = column
        self.classification = classification
    }
}

/// Every preparation method, grouped by verb in the order `help` lists them.
public enum PreparationMethods {
    public static let all: [PreparationMethod] = encodings + scalings + transforms + binnings + others

    static let encodings: [PreparationMethod] = [
        PreparationMethod("encode", "onehot", "one 0/1 column per level, named COLUMN_LEVEL", takes: .categories,
                          settings: OneHotOptions.settings) { columns, settings, _ in
            RecipeStep(OneHotStep(columns: columns, options: OneHotOptions(settings)))
        },
        PreparationMethod("encode", "ordinal", "each level's rank among the sorted levels (0, 1, …; unseen -1)", takes: .categories,
                          settings: unseenSettings) { columns, settings, _ in
            RecipeStep(LevelEncodingStep(columns: columns, method: .ordinal, unseen: UnseenLevelPolicy(rawValue: settings.word("unseen"))!))
        },
        PreparationMethod("encode", "frequency", "each level's share of the training rows (unseen 0)", takes: .categories,
                          settings: unseenSettings) { columns, settings, _ in
            RecipeStep(LevelEncodingStep(columns: columns, method: .frequency, unseen: UnseenLevelPolicy(rawValue: settings.word("unseen"))!))
        },
        PreparationMethod("encode", "target", "each level's target mean, shrunk to the overall mean, cross-fitted on the training rows (unseen: the overall mean)",
                          takes: .categories, settings: SettingsSchema([
                            SettingSpec("folds", "folds of the cross-fitting that encodes the training rows", forms: [.whole(2...100)], default: .value(.whole(5))),
                            SettingSpec("smooth", "shrinkage towards the overall mean: auto (empirical Bayes) or a weight in rows",
                                        forms: [.word(["auto"]), .number(0...1e9)], default: .value(.word("auto"))),
                            SettingSpec("seed", "seed of the folds", forms: [.whole(0...Int.max)], default: .randomSeed),
                          ] + unseenSettings.specs), needsTarget: true) { columns, settings, target in
            RecipeStep(TargetEncodingStep(columns: columns, target: target!.column, classification: target!.classification,
                                          folds: settings.whole("folds")!, smooth: settings["smooth"]?.numberValue,
                                          seed: UInt64(settings.whole("seed")!), unseen: UnseenLevelPolicy(rawValue: settings.word("unseen"))!))
        },
    ]

    static let scalings: [PreparationMethod] = ScaleMethod.allCases.map { method in
        PreparationMethod("scale", method.rawValue, method.summary, takes: .numbers) { columns, _, _ in
            RecipeStep(ScaleStep(columns: columns, method: method))
        }
    }

    static let transforms: [PreparationMethod] = [TransformFunction.log, .log1p, .sqrt].map { function in
        PreparationMethod("transform", function.rawValue, function.summary, takes: .numbers) { columns, _, _ in
            RecipeStep(TransformStep(columns: columns, function: function))
        }
    } + [
        PreparationMethod("transform", "yeo-johnson", TransformFunction.yeoJohnson.summary,
                          takes: .numbers, settings: SettingsSchema([
                            SettingSpec("standardize", "scale to mean 0 and standard deviation 1 afterwards (as scikit-learn's PowerTransformer)",
                                        forms: [.boolean], default: .value(.boolean(true))),
                          ])) { columns, settings, _ in
            RecipeStep(TransformStep(columns: columns, function: .yeoJohnson, standardize: settings["standardize"] == .boolean(true)))
        },
    ]

    static let binnings: [PreparationMethod] = BinMethod.allCases.map { method in
        PreparationMethod("bin", method.rawValue, method.summary, takes: .numbers, settings: binSettings) { columns, settings, _ in
            RecipeStep(BinStep(columns: columns, method: method, bins: settings.whole("bins")!))
        }
    }

    /// The verbs without methods.
    static let others: [PreparationMethod] = [
        PreparationMethod("dateparts", "", "year, month, day, weekday (and hour, when the dates have times) of date columns", takes: .dates) { columns, _, _ in
            RecipeStep(DatePartsStep(columns: columns))
        },
        PreparationMethod("interact", "", "the product of two or more columns, one new column A*B", takes: .numbers) { columns, _, _ in
            RecipeStep(ProductsStep(columns: columns, degree: nil))
        },
        PreparationMethod("poly", "", "every product of the columns up to a degree (A^2, A*B, …), as new columns", takes: .numbers,
                          settings: SettingsSchema([
                            SettingSpec("degree", "the highest degree of the products", forms: [.whole(2...3)], default: .value(.whole(2))),
                          ])) { columns, settings, _ in
            RecipeStep(ProductsStep(columns: columns, degree: settings.whole("degree")!))
        },
        PreparationMethod("pca", "", "the columns replaced by their principal components pc1, pc2, … (centred, not scaled)", takes: .numbers,
                          settings: SettingsSchema([
                            SettingSpec("components", "how many components to keep", forms: [.whole(1...PCAStep.mostColumns), .none(meaning: "all, or as variance= says")],
                                        default: .value(.none)),
                            SettingSpec("variance", "keep the fewest components that explain this share of the variance",
                                        forms: [.number(0...1, excludingLower: true), .none(meaning: "no share")], default: .value(.none)),
                          ])) { columns, settings, _ in
            if settings.whole("components") != nil, settings["variance"]?.numberValue != nil {
                throw LearningError("pca takes components= or variance=, not both")
            }
            let components: ComponentCount = settings.whole("components").map { .count($0) }
                ?? settings["variance"]?.numberValue.map { .variance($0) } ?? .all
            return RecipeStep(PCAStep(columns: columns, components: components))
        },
    ]

    static let unseenSettings = SettingsSchema([
        SettingSpec("unseen", "a level not seen in training: ignore (the unseen value) or error", forms: [.word(UnseenLevelPolicy.allCases.map(\.rawValue))],
                    default: .value(.word("ignore"))),
    ])

    static let binSettings = SettingsSchema([
        SettingSpec("bins", "how many bins", forms: [.whole(2...1000)], default: .value(.whole(5))),
    ])

    public static func named(_ verb: String, _ name: String) -> PreparationMethod? {
        all.first { $0.verb == verb && $0.name == name }
    }

    public static func methods(of verb: String) -> [PreparationMethod] {
        all.filter { $0.verb == verb }
    }

    /// The methods of a verb with their settings, for `help` and `docs/commands.md` (laid
    /// out as `train`'s algorithms are).
    public static func reference(of verb: String) -> String {
        methods(of: verb).map { method in
            let width = (method.settings.keys.map(\.count).max() ?? 0) + 2
            return "  \(method.name): \(method.summary)" + method.settings.specs.map { spec in
                "\n    " + spec.key.padding(toLength: width, withPad: " ", startingAt: 0) + spec.summary + "\n"
                    + "    " + String(repeating: " ", count: width) + "takes \(spec.accepted); default \(spec.defaultText)"
            }.joined()
        }.joined(separator: "\n")
    }
}
