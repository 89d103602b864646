import Foundation
import FuzzSupport
import Testing
@testable import Tabular

struct DatesTests {
    @Test func readsTheISOFormsItDocuments() {
        #expect(Dates.parse("1970-01-01") == 0)
        #expect(Dates.parse("2000-02-29") == 951_782_400)
        #expect(Dates.parse("1969-12-31") == -86_400)
        #expect(Dates.parse("2024-03-31T14:30") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31T14:30:00") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31 14:30:00Z") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31t14:30:00z") == 1_711_895_400)
        // Offsets move the instant to UTC, in every written form.
        #expect(Dates.parse("2024-03-31T16:30:00+02:00") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31T16:30:00+0200") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31T16:30:00+02") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31T09:00:00-05:30") == 1_711_895_400)
        #expect(Dates.parse("2024-03-31T14:30:00.25") == 1_711_895_400.25)
        #expect(Dates.parse("2024-03-31T14:30:00,5") == 1_711_895_400.5)
    }

    @Test func refusesWhatIsNotADate() {
        for text in ["", "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-1-01", "24-01-01",
                     "0000-01-01", "2024/01/01", "2024-01-01T24:00", "2024-01-01T12:60", "2024-01-01T12:00:60",
                     "2024-01-01T12", "2024-01-01Z", "2024-01-01T12:00:00.", "2024-01-01T12:00:00+25:00",
                     "2024-01-01T12:00:00+02:0", "2024-01-01 ", " 2024-01-01", "2024-01-01T12:00:00Zx", "20240101"] {
            #expect(Dates.parse(text) == nil, "\(text)")
        }
    }

    @Test func printsDatesAtMidnightWithoutATime() {
        #expect(Dates.format(0) == "1970-01-01")
        #expect(Dates.format(-86_400) == "1969-12-31")
        #expect(Dates.format(1_711_895_400) == "2024-03-31T14:30:00")
        #expect(Dates.format(1_711_895_400.25) == "2024-03-31T14:30:00.250")
        #expect(Dates.format(.nan) == "")
    }

    /// Every instant from 1600 to 9999 agrees with Foundation's Gregorian calendar (which
    /// turns Julian before 1582), and prints as text that reads back as the same instant.
    @Test func agreesWithFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let low = Dates.parse("1600-01-01")!, high = Dates.parse("9999-12-31T23:59:59")!
        Fuzz.run("DatesAgainstFoundation", cases: 5_000) { _, random in
            let seconds = (low + Double(random.below(Int(high - low)))).rounded(.down)
            let c = Dates.components(seconds)
            let f = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: Date(timeIntervalSince1970: seconds))
            #expect([c.year, c.month, c.day, c.hour, c.minute, c.second] == [f.year, f.month, f.day, f.hour, f.minute, f.second], "\(seconds)")
            // Foundation counts weekdays from Sunday (1); ISO 8601 from Monday (1).
            #expect(c.weekday == (f.weekday! + 5) % 7 + 1, "\(seconds)")
            #expect(Dates.parse(Dates.format(seconds)) == seconds)
        }
    }

    @Test func makesCalendarDates() {
        #expect(Dates.date(year: 2024, month: 2, day: 29) == Dates.parse("2024-02-29"))
        #expect(Dates.date(year: 2023, month: 2, day: 29) == nil)
        #expect(Dates.date(year: 10_000, month: 1, day: 1) == nil)
    }

    @Test func readersTurnDateTextIntoDates() throws {
        let csv = "d,t,mixed,code\n2024-01-31,2024-01-31T08:00:00Z,2024-01-31,2024-01\n,2024-02-01 09:30:00+01:00,soon,2024-02\n"
        let table = try CSVReader.parse(bytes: Array(csv.utf8), name: "t").checkedTable
        #expect(table.column(named: "d")?.data == .date([Dates.parse("2024-01-31")!, .nan]))
        #expect(table.column(named: "t")?.data == .date([Dates.parse("2024-01-31T08:00:00")!, Dates.parse("2024-02-01T08:30:00")!]))
        // One value that is not a date keeps the column text; so do year-months.
        #expect(table.column(named: "mixed")?.type == .text)
        #expect(table.column(named: "code")?.type == .text)
        // Written out and read back, they are the same dates.
        let again = try CSVReader.parse(bytes: Array(CSVWriter.csv(table).utf8), name: "t").checkedTable
        #expect(again.column(named: "t") == table.column(named: "t"))
        #expect(again.column(named: "d") == table.column(named: "d"))
    }

    @Test func castReadsAndWritesDates() {
        let text = Column(name: "d", texts: ["2024-01-31", nil, "31/01/2024", " 2024-02-01 "])
        let (dates, failures) = text.cast(to: .date)
        #expect(dates.data == .date([Dates.parse("2024-01-31")!, .nan, .nan, Dates.parse("2024-02-01")!]))
        #expect(failures == [Column.CastFailure(row: 2, text: "31/01/2024")])
        #expect(dates.cast(to: .text).column.data == Column(name: "d", texts: ["2024-01-31", nil, nil, "2024-02-01"]).data)
        #expect(!dates.canCast(to: .number) && !Column(name: "n", numbers: [1]).canCast(to: .date))
    }

    func parse(_ text: String) throws -> Tabular.Expression { try ExpressionParser.parse(Array(text), from: 0) }

    @Test func expressionsTakeDatesApart() throws {
        let table = Table(name: "t", columns: [
            Column(name: "start", data: .date([Dates.parse("2024-03-31T14:30:00")!, Dates.parse("2023-12-25")!, .nan])),
            Column(name: "end", data: .date([Dates.parse("2024-04-02T02:30:00")!, Dates.parse("2024-01-01")!, Dates.parse("2024-01-01")!])),
        ])
        let evaluator = ExpressionEvaluator(table: table)
        func numbers(_ text: String) throws -> [Double] {
            guard case .number(let values) = try evaluator.evaluate(try parse(text)) else { Issue.record("\(text) is not numbers"); return [] }
            return values
        }
        func same(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
        #expect(same(try numbers("year(start)"), [2024, 2023, .nan]))
        #expect(same(try numbers("month(start)"), [3, 12, .nan]))
        #expect(same(try numbers("day(start)"), [31, 25, .nan]))
        #expect(same(try numbers("weekday(start)"), [7, 1, .nan]))  // a Sunday, a Monday
        #expect(same(try numbers("hour(start)"), [14, 0, .nan]))
        #expect(same(try numbers("days_between(start, end)"), [1.5, 7, .nan]))
        #expect(try evaluator.matchingRows(try parse("start < \"2024-01-01\"")) == [1])
        #expect(try evaluator.matchingRows(try parse("end in [\"2024-01-01\"]")) == [1, 2])
        #expect(try evaluator.matchingRows(try parse("start is missing")) == [2])
        #expect(try evaluator.evaluate(try parse("make_date(2024, 2, 30)")) == .date([.nan, .nan, .nan]))
        #expect(try evaluator.evaluate(try parse("coalesce(start, end)")) == .date([Dates.parse("2024-03-31T14:30:00")!, Dates.parse("2023-12-25")!, Dates.parse("2024-01-01")!]))
        for (bad, message) in [("start + 1", "'+' needs a number, but this is a date"), ("start > 2024", "cannot compare a date with number"),
                               ("start == \"soon\"", "'soon' is not a date"), ("year(\"2024\")", "'year' needs a date, but this is text")] {
            let error = #expect(throws: ExpressionError.self) { try evaluator.evaluate(try parse(bad)) }
            #expect(error?.message == message, "\(bad)")
        }
    }
}
