import CXGBoost
import Foundation

/// XGBoost's C library behind Swift types: matrices and boosters that free themselves,
/// every call checked (the library's last error becomes a `LearningError`), and the
/// library's own log kept off the terminal. Only `GradientBoosting` uses it.
enum XGBoostLibrary {
    /// Silences the log once per process (its warnings would land on the user's terminal).
    static let quiet: Void = { _ = mlw_xgboost_silence() }()

    /// Throws the library's last error when a call returned non-zero.
    static func check(_ status: Int32, _ what: String) throws {
        guard status != 0 else { return }
        let detail = XGBGetLastError().map { String(cString: $0) } ?? "no detail"
        // The library's messages start with a source location and a timestamp: keep the last line.
        let message = detail.split(separator: "\n").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? detail
        throw LearningError("XGBoost could not \(what): \(message)")
    }

    /// The threads a read booster predicts on: every core (a fit takes its budget from
    /// `TrainingData.threads`). Models are the same whatever the count (checked with 1, 2
    /// and 7 threads), so a replay on another machine verifies.
    static var threads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// A dense float matrix in XGBoost's memory (NaN marks a missing value).
final class XGBMatrix {
    let handle: DMatrixHandle

    /// - Parameters:
    ///   - values: row-major, `rows × columns`.
    init(values: [Float], rows: Int, columns: Int, threads: Int = XGBoostLibrary.threads) throws {
        _ = XGBoostLibrary.quiet
        var out: DMatrixHandle?
        try values.withUnsafeBufferPointer { buffer in
            try XGBoostLibrary.check(XGDMatrixCreateFromMat_omp(buffer.baseAddress, bst_ulong(rows), bst_ulong(columns), Float.nan,
                                                                &out, Int32(threads)), "hold the rows")
        }
        handle = out!
    }

    /// A training matrix in XGBoost's quantile form, with its labels: `maxBins` must be the
    /// booster's `max_bin`.
    init(quantilesOf values: [Float], labels: [Float], rows: Int, columns: Int, maxBins: Int, threads: Int) throws {
        _ = XGBoostLibrary.quiet
        var out: DMatrixHandle?
        try values.withUnsafeBufferPointer { data in
            try labels.withUnsafeBufferPointer { labels in
                try XGBoostLibrary.check(mlw_xgb_quantile_matrix(data.baseAddress, labels.baseAddress, UInt(rows), UInt(columns),
                                                                 Int32(maxBins), Int32(threads), &out), "hold the training rows")
            }
        }
        handle = out!
    }

    /// The labels (class indices or target values), one per row.
    func setLabels(_ labels: [Float]) throws {
        try labels.withUnsafeBufferPointer { buffer in
            try XGBoostLibrary.check(XGDMatrixSetFloatInfo(handle, "label", buffer.baseAddress, bst_ulong(labels.count)), "set the labels")
        }
    }

    deinit { XGDMatrixFree(handle) }
}

/// A booster: trained here round by round, or read from its JSON model.
final class XGBooster: @unchecked Sendable {
    let handle: BoosterHandle
    /// Prediction hands back a buffer the booster owns until its next call: one call at a time.
    private let lock = NSLock()

    init(training matrices: [XGBMatrix], parameters: [(String, String)]) throws {
        _ = XGBoostLibrary.quiet
        var out: BoosterHandle?
        var handles: [DMatrixHandle?] = matrices.map(\.handle)
        try XGBoostLibrary.check(XGBoosterCreate(&handles, bst_ulong(handles.count), &out), "create a booster")
        handle = out!
        for (key, value) in parameters {
            try XGBoostLibrary.check(XGBoosterSetParam(handle, key, value), "take \(key)=\(value)")
        }
    }

    /// Reads a model saved by `json()`.
    init(json: String) throws {
        _ = XGBoostLibrary.quiet
        var out: BoosterHandle?
        try XGBoostLibrary.check(XGBoosterCreate(nil, 0, &out), "create a booster")
        handle = out!
        let bytes = Array(json.utf8)
        try bytes.withUnsafeBytes { buffer in
            try XGBoostLibrary.check(XGBoosterLoadModelFromBuffer(handle, buffer.baseAddress, bst_ulong(bytes.count)), "read the model")
        }
        // A read booster predicts on as many threads as the machine has.
        try XGBoostLibrary.check(XGBoosterSetParam(handle, "nthread", String(XGBoostLibrary.threads)), "set its threads")
    }

    private init(handle: BoosterHandle) { self.handle = handle }

    deinit { XGBoosterFree(handle) }

    /// One boosting round on the training matrix.
    func boost(round: Int, on matrix: XGBMatrix) throws {
        try XGBoostLibrary.check(XGBoosterUpdateOneIter(handle, Int32(round), matrix.handle), "boost round \(round + 1)")
    }

    /// The evaluation metric on one matrix after `round`, parsed from the library's
    /// "[3]\tvalid-logloss:0.2345" line.
    func evaluate(round: Int, on matrix: XGBMatrix) throws -> Double {
        var handles: [DMatrixHandle?] = [matrix.handle]
        var names: [UnsafePointer<CChar>?] = []
        var result: UnsafePointer<CChar>?
        try "valid".withCString { name in
            names = [name]
            try XGBoostLibrary.check(XGBoosterEvalOneIter(handle, Int32(round), &handles, &names, 1, &result), "evaluate round \(round + 1)")
        }
        let text = result.map { String(cString: $0) } ?? ""
        guard let colon = text.lastIndex(of: ":"), let value = Double(text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)) else {
            throw LearningError("XGBoost's evaluation line '\(text)' has no number")
        }
        return value
    }

    /// The first `rounds` rounds as a booster of their own (early stopping keeps the best).
    func keeping(rounds: Int) throws -> XGBooster {
        var out: BoosterHandle?
        try XGBoostLibrary.check(XGBoosterSlice(handle, 0, Int32(rounds), 1, &out), "keep the first \(rounds) rounds")
        return XGBooster(handle: out!)
    }

    /// The model as XGBoost's own JSON.
    func json() throws -> String {
        var length: bst_ulong = 0
        var pointer: UnsafePointer<CChar>?
        try XGBoostLibrary.check(XGBoosterSaveModelToBuffer(handle, #"{"format": "json"}"#, &length, &pointer), "save the model")
        let bytes = UnsafeRawBufferPointer(start: pointer, count: Int(length))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Predictions for the rows of a matrix: with `contributions`, each feature's SHAP
    /// value then the bias per row (and per class); else the objective's output (the
    /// positive class's probability, class probabilities, or values). Returns the flat
    /// values and their shape.
    func predict(_ matrix: XGBMatrix, contributions: Bool = false) throws -> (values: [Float], shape: [Int]) {
        lock.lock()
        defer { lock.unlock() }
        let config = #"{"type": \#(contributions ? 2 : 0), "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": true}"#
        var shape: UnsafePointer<bst_ulong>?
        var dimensions: bst_ulong = 0
        var result: UnsafePointer<Float>?
        try XGBoostLibrary.check(XGBoosterPredictFromDMatrix(handle, matrix.handle, config, &shape, &dimensions, &result), "predict")
        let sizes = (0..<Int(dimensions)).map { Int(shape![$0]) }
        let count = sizes.reduce(1, *)
        return (Array(UnsafeBufferPointer(start: result, count: count)), sizes)
    }
}
