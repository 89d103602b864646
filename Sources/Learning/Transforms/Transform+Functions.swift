import Foundation
import Tabular

/// The functions of `transform`.
public enum TransformFunction: String, Sendable, CaseIterable, Codable {
    case log, log1p, sqrt
    /// Yeo and Johnson's power transform with λ fitted by maximum likelihood, then
    /// standardised (scikit-learn's `PowerTransformer(method="yeo-johnson")`).
    case yeoJohnson = "yeo-johnson"

    /// What it does, for `help`.
    var summary: String {
        switch self {
        case .log: return "the natural logarithm (values above 0)"
        case .log1p: return "log(1 + x), for counts and amounts that can be 0"
        case .sqrt: return "the square root (values of 0 or more)"
        case .yeoJohnson: return "a power transform with λ learned to make the values most normal, for any numbers"
        }
    }

    /// The smallest value it takes, for the message that refuses others.
    var domain: (test: (Double) -> Bool, text: String)? {
        switch self {
        case .log: return ({ $0 > 0 }, "above 0")
        case .log1p: return ({ $0 > -1 }, "above -1")
        case .sqrt: return ({ $0 >= 0 }, "0 or more")
        case .yeoJohnson: return nil
        }
    }
}

/// `transform log|log1p|sqrt|yeo-johnson COLUMNS [standardize=true|false]`: each value
/// replaced by the function of it; missing stays missing. log, log1p and sqrt learn
/// nothing and refuse values outside their domain (at prediction too, naming the row);
/// yeo-johnson learns λ (and, standardised, the mean and spread after it) from the
/// fitting rows and takes every finite value.
public struct TransformStep: PreparationStep {
    public var columns: [String]
    public var function: TransformFunction
    public var standardize: Bool

    public init(columns: [String], function: TransformFunction, standardize: Bool = true) {
        self.columns = columns
        self.function = function
        self.standardize = standardize
    }

    public var verb: String { "transform" }
    public var text: String { "transform \(function.rawValue) " + listText(columns) + (function == .yeoJohnson && !standardize ? " standardize=false" : "") }
    public var isLearned: Bool { function == .yeoJohnson }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let fitted = try fitEach(columns, of: table) { column -> FittedPowerTransform in
            guard case .number(let values) = column.data else {
                throw LearningError("'\(column.name)' is \(column.type.rawValue); only number columns can be transformed")
            }
            if let (test, text) = function.domain, let bad = values.firstIndex(where: { !$0.isNaN && !test($0) }) {
                let count = values.reduce(0) { $0 + (!$1.isNaN && !test($1) ? 1 : 0) }
                throw LearningError("\(function.rawValue) takes values \(text), but '\(column.name)' has \(Plural.count(count, "value")) that \(count == 1 ? "is" : "are") not, e.g. \(NumberFormatting.shortest(values[bad])) (row \(bad + 1))",
                                    help: function == .log ? "log1p takes 0 (log(1 + x)); yeo-johnson takes any number" : "yeo-johnson takes any number")
            }
            guard function == .yeoJohnson else { return FittedPowerTransform(column: column.name, function: function) }
            let present = presentValues(values, rows: rows)
            guard present.count >= 2 else { throw LearningError("'\(column.name)' has fewer than 2 values to learn a power transform from") }
            guard present.allSatisfy(\.isFinite) else { throw LearningError("'\(column.name)' has infinite values", help: "clip it or filter those rows first") }
            let lambda = YeoJohnson.fitLambda(present)
            var fitted = FittedPowerTransform(column: column.name, function: .yeoJohnson, lambda: lambda)
            if standardize {
                let transformed = present.map { YeoJohnson.transform($0, lambda) }
                let mean = Statistics.mean(transformed)
                let deviation = (transformed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(transformed.count)).squareRoot()
                fitted.mean = mean
                fitted.deviation = deviation > 0 && deviation.isFinite ? deviation : 1
            }
            return fitted
        }
        var result = table
        for transform in fitted {
            result.setColumn(try transform.apply(table.column(named: transform.name)!))
        }
        return (fitted.map(FittedStep.init), result)
    }
}

/// The Yeo–Johnson transform and its maximum-likelihood λ (Yeo and Johnson, 2000), as
/// scikit-learn computes them.
enum YeoJohnson {
    static func transform(_ x: Double, _ lambda: Double) -> Double {
        if x >= 0 {
            return abs(lambda) < 1e-19 ? Foundation.log1p(x) : (Foundation.pow(x + 1, lambda) - 1) / lambda
        }
        return abs(lambda - 2) < 1e-19 ? -Foundation.log1p(-x) : -(Foundation.pow(1 - x, 2 - lambda) - 1) / (2 - lambda)
    }

    /// The λ that maximises the log-likelihood of the transformed values under a normal
    /// distribution, found by Brent's method from the bracket (−2, 2), as `scipy.optimize.brent`.
    static func fitLambda(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let logTerm = values.reduce(0) { $0 + ($1 < 0 ? -1 : 1) * Foundation.log1p(abs($1)) }
        func negativeLogLikelihood(_ lambda: Double) -> Double {
            let transformed = values.map { transform($0, lambda) }
            let mean = transformed.reduce(0, +) / n
            let variance = transformed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            guard variance > 0 else { return .infinity }
            return -(-n / 2 * Foundation.log(variance) + (lambda - 1) * logTerm)
        }
        return BrentMinimizer.minimize(negativeLogLikelihood, bracket: (-2, 2))
    }
}

/// Brent's minimisation of a function of one variable, bracketed first by golden-section
/// steps from two points (the method and the defaults of `scipy.optimize.brent`).
enum BrentMinimizer {
    static func minimize(_ f: (Double) -> Double, bracket: (Double, Double), tolerance: Double = 1.48e-8, maxIterations: Int = 500) -> Double {
        // Bracket: find a < b < c (or c < b < a) with f(b) below f(a) and f(c).
        let golden = 1.618034, growLimit = 110.0
        var (a, b) = bracket
        var fa = f(a), fb = f(b)
        if fa < fb { swap(&a, &b); swap(&fa, &fb) }
        var c = b + golden * (b - a), fc = f(c)
        var guardSteps = 0
        while fc < fb, guardSteps < 1000 {
            guardSteps += 1
            let r = (b - a) * (fb - fc), q = (b - c) * (fb - fa)
            let denominator = abs(q - r) < 1e-21 ? 2e-21 : 2 * (q - r)
            var w = b - ((b - c) * q - (b - a) * r) / denominator
            let limit = b + growLimit * (c - b)
            var fw: Double
            if (w - c) * (b - w) > 0 {
                fw = f(w)
                if fw < fc { (a, b, fa, fb) = (b, w, fb, fw); break }
                if fw > fb { (c, fc) = (w, fw); break }
                w = c + golden * (c - b); fw = f(w)
            } else if (w - limit) * (limit - c) >= 0 {
                w = limit; fw = f(w)
            } else if (w - limit) * (c - w) > 0 {
                fw = f(w)
                if fw < fc { (b, c, w) = (c, w, w + golden * (w - c)); (fb, fc, fw) = (fc, fw, f(w)) }
            } else {
                w = c + golden * (c - b); fw = f(w)
            }
            (a, b, c, fa, fb, fc) = (b, c, w, fb, fc, fw)
        }
        // Brent's method on the bracket.
        let cg = 0.3819660, minTolerance = 1.0e-11
        var (lo, hi) = a < c ? (a, c) : (c, a)
        var x = b, w = b, v = b
        var fx = fb, fw = fb, fv = fb
        var deltax = 0.0, rat = 0.0
        for _ in 0..<maxIterations {
            let tol1 = tolerance * abs(x) + minTolerance, tol2 = 2 * tol1
            let xmid = 0.5 * (lo + hi)
            if abs(x - xmid) < tol2 - 0.5 * (hi - lo) { break }
            if abs(deltax) <= tol1 {
                deltax = x >= xmid ? lo - x : hi - x
                rat = cg * deltax
            } else {
                let tmp1 = (x - w) * (fx - fv)
                var tmp2 = (x - v) * (fx - fw)
                var p = (x - v) * tmp2 - (x - w) * tmp1
                tmp2 = 2 * (tmp2 - tmp1)
                if tmp2 > 0 { p = -p }
                tmp2 = abs(tmp2)
                let previous = deltax
                deltax = rat
                if p > tmp2 * (lo - x), p < tmp2 * (hi - x), abs(p) < abs(0.5 * tmp2 * previous) {
                    rat = p / tmp2
                    let u = x + rat
                    if u - lo < tol2 || hi - u < tol2 { rat = xmid - x >= 0 ? tol1 : -tol1 }
                } else {
                    deltax = x >= xmid ? lo - x : hi - x
                    rat = cg * deltax
                }
            }
            let u = abs(rat) < tol1 ? (rat >= 0 ? x + tol1 : x - tol1) : x + rat
            let fu = f(u)
            if fu > fx {
                if u < x { lo = u } else { hi = u }
                if fu <= fw || w == x { (v, w, fv, fw) = (w, u, fw, fu) }
                else if fu <= fv || v == x || v == w { (v, fv) = (u, fu) }
            } else {
                if u >= x { lo = x } else { hi = x }
                (v, w, x, fv, fw, fx) = (w, x, u, fw, fx, fu)
            }
        }
        return x
    }
}

/// Bundle JSON: `{"step": "transform", "column": NAME, "function": "log"}`; yeo-johnson
/// adds `"lambda"`, and when standardised `"mean"` and `"std"`.
public struct FittedPowerTransform: FittedTransform {
    public static let kind = "transform"
    public var name: String
    public var function: TransformFunction
    public var lambda: Double?
    public var mean: Double?
    public var deviation: Double?

    public init(column: String, function: TransformFunction, lambda: Double? = nil, mean: Double? = nil, deviation: Double? = nil) {
        self.name = column
        self.function = function
        self.lambda = lambda
        self.mean = mean
        self.deviation = deviation
    }

    /// - Throws: `PreparationError.input` for a value outside the function's domain.
    public func apply(_ input: Column) throws -> Column {
        guard case .number(let values) = input.data else {
            throw PreparationError.input("column '\(name)' should hold numbers to be transformed")
        }
        if let (test, text) = function.domain, values.contains(where: { !$0.isNaN && !test($0) }) {
            throw PreparationError.rows(values.indices.filter { !values[$0].isNaN && !test(values[$0]) }, column: name,
                                        reason: "\(function.rawValue) of '\(name)' takes values \(text)")
        }
        let transformed: [Double]
        switch function {
        case .log: transformed = values.mapIntoHugePages { Foundation.log($0) }
        case .log1p: transformed = values.mapIntoHugePages { Foundation.log1p($0) }
        case .sqrt: transformed = values.mapIntoHugePages { $0.squareRoot() }
        case .yeoJohnson:
            let lambda = lambda ?? 1, mean = mean ?? 0, deviation = deviation ?? 1
            transformed = values.mapIntoHugePages { ($0.isNaN ? $0 : YeoJohnson.transform($0, lambda) - mean) / deviation }
        }
        return Column(name: name, numbers: transformed)
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        var result = table
        result.setColumn(try apply(try requiredColumn(name, in: table)))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type == .number else { throw PreparationError.corrupt("it transforms '\(name)', a \(column.type.rawValue) column") }
        if function == .yeoJohnson {
            guard let lambda, lambda.isFinite else { throw PreparationError.corrupt("its yeo-johnson λ is missing or not finite") }
            if let deviation, !(deviation.isFinite && deviation > 0) || !(mean?.isFinite ?? true) {
                throw PreparationError.corrupt("its standard deviation is \(deviation), but dividing needs a finite number above 0")
            }
        }
    }

    public var column: String? { name }
    public var summary: String { "transform \(name) with \(function.rawValue)" + (lambda.map { " (λ = \(NumberFormatting.significant($0)))" } ?? "") }
    public var learnedText: String {
        guard let lambda else { return "" }
        return "\(name): λ \(NumberFormatting.significant(lambda, digits: 4))"
            + (mean.map { ", then mean \(NumberFormatting.significant($0, digits: 4)), sd \(NumberFormatting.significant(deviation ?? 1, digits: 4))" } ?? "")
    }

    private enum CodingKeys: String, CodingKey { case name = "column", function, lambda, mean, deviation = "std" }
}
