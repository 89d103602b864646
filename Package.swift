// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: Tabular ← Learning ← CommandLanguage ← Engine ← REPL ← mlw.
// Only REPL sees libedit and the SIGINT flag (CInterrupt); only mlw sees ArgumentParser.
// CKernels holds the few numeric inner loops built for both baseline x86-64 and AVX2/FMA.
let package = Package(
    name: "mlw",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mlw", targets: ["mlw"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "CInterrupt"),
        .target(name: "CKernels"),
        .target(name: "Tabular"),
        .target(name: "Learning", dependencies: ["Tabular", "CKernels"]),
        .target(name: "CommandLanguage", dependencies: ["Tabular", "Learning"]),
        .target(name: "Engine", dependencies: ["Tabular", "Learning", "CommandLanguage"]),
        .target(name: "REPL", dependencies: ["Engine", "CommandLanguage", "CEditLine", "CInterrupt"]),
        .executableTarget(
            name: "mlw",
            dependencies: [
                "Engine", "REPL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The random-input harness shared by the test targets (seeded cases, watchdog, crash report).
        .target(name: "FuzzSupport", dependencies: ["Tabular"], path: "Tests/FuzzSupport"),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "FuzzSupport"]),
        .testTarget(name: "CommandLanguageTests", dependencies: ["CommandLanguage", "Tabular", "FuzzSupport"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Tabular"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "CommandLanguage", "Tabular", "FuzzSupport"],
                    exclude: ["Transcripts", "Fixtures"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "CommandLanguage", "Engine"]),
    ],
    swiftLanguageModes: [.v5]
)
