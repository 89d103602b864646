import CommandLanguage
import Foundation
import Testing
@testable import Engine

let repositoryRoot: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    _ = FileManager.default.changeCurrentDirectoryPath(root)  // transcripts use paths relative to the repository
    return root
}()

/// Runs `mlw> ` lines through the step loop with no terminal, as the prompt does, and
/// returns the transcript: each input line followed by what it printed.
func transcript(of inputs: [String]) -> String {
    let loop = StepLoop(session: Session(makeSeed: { 42 }), renderer: OutputRenderer(width: 100, colors: false))
    var out: [String] = []
    for line in inputs {
        out.append("mlw> " + line)
        let (output, error) = loop.report(loop.step(line), line: line)
        if let output { out.append(output) }
        if let error { out.append(error) }
    }
    return out.joined(separator: "\n")
}

/// Golden transcripts: `Transcripts/*.txt` and the ```text blocks of `tutorials/*.md`.
/// `MLW_RECORD=1 swift test` rewrites them (and the test fails while recording).
struct TranscriptTests {
    static var files: [String] {
        _ = repositoryRoot
        let transcripts = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Tests/EngineTests/Transcripts")) ?? []
        let tutorials = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/tutorials")) ?? []
        return transcripts.filter { $0.hasSuffix(".txt") }.map { "Tests/EngineTests/Transcripts/" + $0 }
            + tutorials.filter { $0.hasSuffix(".md") }.map { "tutorials/" + $0 }
    }

    @Test(arguments: files)
    func transcriptMatches(file: String) throws {
        let path = repositoryRoot + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let recording = ProcessInfo.processInfo.environment["MLW_RECORD"] != nil
        if file.hasSuffix(".txt") {
            let inputs = text.components(separatedBy: "\n").filter { $0.hasPrefix("mlw> ") }.map { String($0.dropFirst(5)) }
            let actual = transcript(of: inputs) + "\n"
            if recording { try actual.write(toFile: path, atomically: true, encoding: .utf8); Issue.record("recorded \(file)"); return }
            #expect(actual == text, "\(file) differs:\n\(lineDiff(text, actual))")
        } else {
            // Markdown: each ```text block that starts with `mlw> ` is one transcript, all in one session.
            var blocks = markdownTranscriptBlocks(text)
            let inputs = blocks.flatMap { $0.content.components(separatedBy: "\n").filter { $0.hasPrefix("mlw> ") }.map { String($0.dropFirst(5)) } }
            let full = transcript(of: inputs).components(separatedBy: "\n")
            // Re-split the full transcript at the block boundaries (by input counts).
            var index = 0
            var rebuilt = text
            for k in blocks.indices {
                let count = blocks[k].content.components(separatedBy: "\n").filter { $0.hasPrefix("mlw> ") }.count
                var lines: [String] = []
                var seen = 0
                while index < full.count {
                    if full[index].hasPrefix("mlw> ") { if seen == count { break }; seen += 1 }
                    lines.append(full[index]); index += 1
                }
                let actual = lines.joined(separator: "\n")
                if actual != blocks[k].content {
                    if recording { rebuilt = rebuilt.replacingOccurrences(of: blocks[k].content, with: actual) }
                    else { Issue.record("\(file) block \(k + 1) differs:\n\(lineDiff(blocks[k].content, actual))") }
                }
                blocks[k].content = actual
            }
            if recording { try rebuilt.write(toFile: path, atomically: true, encoding: .utf8); Issue.record("recorded \(file)") }
        }
    }
}

func markdownTranscriptBlocks(_ text: String) -> [(content: String, Void)] {
    var blocks: [(content: String, Void)] = []
    var inside = false
    var current: [String] = []
    for line in text.components(separatedBy: "\n") {
        if !inside, line == "```text" { inside = true; current = []; continue }
        if inside, line == "```" {
            inside = false
            if current.first?.hasPrefix("mlw> ") == true { blocks.append((current.joined(separator: "\n"), ())) }
            continue
        }
        if inside { current.append(line) }
    }
    return blocks
}

func lineDiff(_ expected: String, _ actual: String) -> String {
    let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
    var out: [String] = []
    for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
        out.append("line \(i + 1):\n- \(i < e.count ? e[i] : "")\n+ \(i < a.count ? a[i] : "")")
        if out.count >= 5 { break }
    }
    return out.joined(separator: "\n")
}
