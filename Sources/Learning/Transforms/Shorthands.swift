import Tabular

// Leading-dot spellings of the steps, so call sites read as the commands do:
// `prepare(.drop(columns: names), …)`, `[FittedStep] = [.rename(from: "a", to: "b")]`.

extension RecipeStep {
    public static func drop(columns: [String]) -> RecipeStep { RecipeStep(DropStep(columns: columns)) }
    public static func select(columns: [String]) -> RecipeStep { RecipeStep(SelectStep(columns: columns)) }
    public static func rename(from: String, to: String) -> RecipeStep { RecipeStep(RenameStep(from: from, to: to)) }
    public static func cast(columns: [String], type: ColumnType) -> RecipeStep { RecipeStep(CastStep(columns: columns, type: type)) }
    public static func replace(columns: [String], from: String?, to: String?) -> RecipeStep { RecipeStep(ReplaceStep(columns: columns, from: from, to: to)) }
    public static func clip(columns: [String], bounds: ClipBounds) -> RecipeStep { RecipeStep(ClipStep(columns: columns, bounds: bounds)) }
}

extension FittedStep {
    public static func derive(name: String, expression: Tabular.Expression) -> FittedStep { FittedStep(FittedDerive(name: name, expression: expression)) }
    public static func drop(columns: [String]) -> FittedStep { FittedStep(FittedDrop(columns: columns)) }
    public static func rename(from: String, to: String) -> FittedStep { FittedStep(FittedRename(from: from, to: to)) }
    public static func cast(column: String, type: ColumnType) -> FittedStep { FittedStep(FittedCast(column: column, type: type)) }
    public static func replace(column: String, from: FillValue?, to: FillValue?) -> FittedStep { FittedStep(FittedReplace(column: column, from: from, to: to)) }
    public static func clip(column: String, lower: Double, upper: Double) -> FittedStep { FittedStep(FittedClip(column: column, lower: lower, upper: upper)) }
    public static func impute(_ imputer: FittedImputer) -> FittedStep { FittedStep(imputer) }
    public static func oneHot(_ encoder: FittedOneHot) -> FittedStep { FittedStep(encoder) }
    public static func scale(_ scaler: FittedScaler) -> FittedStep { FittedStep(scaler) }
}
