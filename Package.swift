// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: Tabular ← Learning ← Scoring ← Engine ← REPL ← mlw, with
// CommandLanguage (Tabular, Learning) beside Scoring under Engine, and SQLiteSource
// (Tabular, GRDB) under Engine. Scoring applies a bundle's
// recipe and model to rows without the engine or the command parser (the batch scorer and
// the server need only it). Only REPL sees libedit and the SIGINT flag (CInterrupt); only
// mlw sees ArgumentParser.
// CKernels holds the few numeric inner loops built for both baseline x86-64 and AVX2/FMA.
let package = Package(
    name: "mlw",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mlw", targets: ["mlw"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // XGBoost's C library (Debian's libxgboost-dev), for gbdt; linked directly, not
        // through its pkg-config file.
        .systemLibrary(name: "CXGBoost", providers: [.apt(["libxgboost-dev"])]),
        .target(name: "CInterrupt"),
        .target(name: "CKernels"),
        .target(name: "Tabular"),
        .target(name: "Learning", dependencies: ["Tabular", "CKernels", "CXGBoost"]),
        .target(name: "Scoring", dependencies: ["Tabular", "Learning"]),
        .target(name: "CommandLanguage", dependencies: ["Tabular", "Learning"]),
        // Tables read from SQLite files (GRDB over the system SQLite); the tracking store to
        // come shares the dependency.
        .target(name: "SQLiteSource", dependencies: ["Tabular", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Engine", dependencies: ["Tabular", "Learning", "Scoring", "CommandLanguage", "SQLiteSource"]),
        .target(name: "REPL", dependencies: ["Engine", "CommandLanguage", "Tabular", "CEditLine", "CInterrupt"]),
        .executableTarget(
            name: "mlw",
            dependencies: [
                "Engine", "REPL", "Scoring", "Tabular",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The random-input harness shared by the test targets (seeded cases, watchdog, crash report).
        .target(name: "FuzzSupport", dependencies: ["Tabular"], path: "Tests/FuzzSupport"),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "FuzzSupport"]),
        .testTarget(name: "SQLiteSourceTests", dependencies: ["SQLiteSource", "Tabular", "FuzzSupport"]),
        .testTarget(name: "CommandLanguageTests", dependencies: ["CommandLanguage", "Tabular", "FuzzSupport"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Tabular"]),
        // The scorer on its own: bundles of every format version, with no engine or command language.
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Learning", "Tabular", "FuzzSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Scoring", "Learning", "CommandLanguage", "Tabular", "FuzzSupport"],
                    exclude: ["Transcripts", "Fixtures"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "CommandLanguage", "Engine", "Tabular"]),
    ],
    swiftLanguageModes: [.v5]
)
