import Testing
@testable import Tabular

/// Row keys (dedupe), row order (sort) and casts, on small columns with every kind of value.
struct RowsAndCastTests {
    @Test func firstOfEachKeepsTheFirstOfEqualRowsWithMissingEqual() {
        let a = Column(name: "a", numbers: [1, .nan, 1, .nan, -0.0, 0])
        let b = Column(name: "b", texts: ["x", nil, "x", nil, "y", "y"])
        #expect(RowKeys([a, b]).firstOfEach(rowCount: 6) == [0, 1, 4])
        #expect(RowKeys([b]).firstOfEach(rowCount: 6) == [0, 1, 4])
        #expect(RowKeys([]).firstOfEach(rowCount: 3) == [0])
    }

    @Test func sortIsStableWithMissingLastInEitherDirection() {
        let n = Column(name: "n", numbers: [3, .nan, 1, 3, 2])
        let t = Column(name: "t", texts: ["b", "a", nil, "a", "c"])
        #expect(RowOrder([(n, false)]).sorted(rowCount: 5) == [2, 4, 0, 3, 1])
        #expect(RowOrder([(n, true)]).sorted(rowCount: 5) == [0, 3, 4, 2, 1])
        #expect(RowOrder([(n, true), (t, false)]).sorted(rowCount: 5) == [3, 0, 4, 2, 1])
        #expect(RowOrder([(t, false)]).sorted(rowCount: 5) == [1, 3, 0, 4, 2])
        let f = Column(name: "f", data: .boolean([1, Column.missingBoolean, 0]))
        #expect(RowOrder([(f, false)]).sorted(rowCount: 3) == [2, 0, 1])
    }

    @Test func castsConvertWhatTheyCanAndNameTheRest() {
        let text = Column(name: "x", texts: ["1", " 2.5", "?", nil, "1e999", "3"])
        let (numbers, failures) = text.cast(to: .number)
        #expect(numbers.numericValues!.enumerated().allSatisfy { i, v in [1, 2.5, .nan, .nan, .nan, 3][i].isNaN ? v.isNaN : v == [1, 2.5, .nan, .nan, .nan, 3][i] })
        #expect(failures == [.init(row: 2, text: "?"), .init(row: 4, text: "1e999")])
        let flags = Column(name: "y", texts: ["Yes", "no", "TRUE", "0", "maybe"]).cast(to: .boolean)
        #expect(flags.column.data == .boolean([1, 0, 1, 0, Column.missingBoolean]) && flags.failures.count == 1)
        let back = Column(name: "z", numbers: [1, 0, 2, .nan]).cast(to: .boolean)
        #expect(back.failures == [.init(row: 2, text: "2")])
        #expect(Column(name: "n", numbers: [1.5, .nan]).cast(to: .text).column.data == Column(name: "n", texts: ["1.5", nil]).data)
        #expect(Column(name: "b", data: .boolean([1, 0, Column.missingBoolean])).cast(to: .number).column.numericValues!.prefix(2) == [1, 0])
    }
}

/// Terminal widths of text: wide characters, marks, clipping and wrapping.
struct TextWidthTests {
    @Test func wideCharactersTakeTwoColumnsAndMarksNone() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("日本語") == 6)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.pad("日本", to: 6) == "日本  ")
        #expect(TextWidth.of(TextWidth.clip("日本語テキスト", to: 7)) <= 7)
    }

    @Test func wrappingBreaksAtSpacesWithinTheWidth() {
        let text = "one two three four five six seven eight nine ten eleven twelve"
        let wrapped = TextWidth.wrap(text, width: 20)
        #expect(wrapped.split(separator: "\n").allSatisfy { TextWidth.of(String($0)) <= 20 })
        #expect(wrapped.replacingOccurrences(of: "\n  ", with: " ") == text)
        #expect(TextWidth.wrap("short", width: 20) == "short")
    }
}
