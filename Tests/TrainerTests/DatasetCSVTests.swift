import Testing

@testable import Trainer

struct DatasetCSVTests {
    private func refusal(_ text: String) throws -> (error: DatasetError, path: String) {
        let path = try temporaryFile(text)
        let error = try #require(throws: DatasetError.self) { try Dataset(csvAt: path) }
        return (error, path)
    }

    @Test("a header row is accepted and the fingerprint is the SHA-256 of the file's bytes")
    func headerAccepted() throws {
        let path = try temporaryFile("a,b,label\n1,2,0\n3,4,1\n")
        let data = try Dataset(csvAt: path)
        #expect(data.features == [1, 2, 3, 4])
        #expect(data.labels == [0, 1])
        #expect(data.classCount == 2)
        #expect(data.featureCount == 2)
        // `printf 'a,b,label\n1,2,0\n3,4,1\n' | sha256sum`
        #expect(data.fingerprint == "549d2aee289b71420edb28a7bca0fb10298700da142c9a17ba4bdc89659d40e1")
    }

    @Test("a file without a header, with CRLF ends, quotes, spaces and blank lines is read")
    func lenientFormatting() throws {
        let path = try temporaryFile("1.5, -2e3 ,\"2\"\r\n\r\n0.25,7,0\r\n")
        let data = try Dataset(csvAt: path)
        #expect(data.features == [1.5, -2000, 0.25, 7])
        #expect(data.labels == [2, 0])
        #expect(data.classCount == 3)
    }

    @Test("integral labels written as decimals are accepted")
    func decimalLabels() throws {
        let data = try Dataset(csvAt: try temporaryFile("1,2.0\n3,1023\n"))
        #expect(data.labels == [2, 1023])
        #expect(data.classCount == 1024)
    }

    @Test("a row with the wrong column count is refused with its line number")
    func wrongColumnCount() throws {
        let (error, path) = try refusal("a,b,label\n1,2,0\n3,4\n")
        #expect(error.code == .wrongColumnCount)
        #expect(error.line == 3)
        #expect(error.message == "\(path), line 3: expected 3 columns like line 1, found 2")
    }

    @Test("a hexadecimal feature or label is refused with its line number, not read as a number")
    func hexadecimalRefused() throws {
        let (feature, featurePath) = try refusal("1,2,0\n3,0x10,1\n")
        #expect(feature.line == 2)
        #expect(feature.message == "\(featurePath), line 2: column 2 has \"0x10\", expected a decimal number")
        let (label, labelPath) = try refusal("1,2,0\n3,4,1\n5,6,-0X1\n")
        #expect(label.line == 3)
        #expect(label.message.hasPrefix("\(labelPath), line 3: the class label in column 3 is \"-0X1\""))
        // A first row of hexadecimal numbers is data with bad values, not a header.
        let (first, _) = try refusal("0x1,0x2,0\n3,4,1\n")
        #expect(first.line == 1)
    }

    @Test("a non-numeric value is refused with its line number")
    func nonNumeric() throws {
        let (error, path) = try refusal("1,2,0\n1,x,1\n")
        #expect(error.code == .invalidValue)
        #expect(error.message == "\(path), line 2: column 2 has \"x\", expected a number")
        #expect(
            try refusal("1,2,0\n1,,1\n").error.message.hasSuffix(
                ", line 2: column 2 has an empty value, expected a number"))
    }

    @Test("a non-finite value is refused with its line number")
    func nonFinite() throws {
        let (error, _) = try refusal("1,2,0\n3,4,1\n1,inf,0\n")
        #expect(error.code == .invalidValue)
        #expect(error.line == 3)
        #expect(try refusal("nan,1,0\n").error.line == 1)
    }

    @Test("a label out of range or not an integer is refused with its line number")
    func badLabels() throws {
        let outOfRange = try refusal("1,2,0\n1,2,1024\n")
        #expect(outOfRange.error.code == .invalidLabel)
        #expect(
            outOfRange.error.message
                == "\(outOfRange.path), line 2: the class label 1024 in column 3 is out of range 0..<1024")
        #expect(try refusal("1,2,-1\n").error.code == .invalidLabel)
        let fractional = try refusal("1,2,0\n1,2,0\n1,2,0.5\n")
        #expect(fractional.error.code == .invalidLabel)
        #expect(fractional.error.line == 3)
        // A first row mixing numbers and words is data, not a header, so it is refused.
        #expect(try refusal("1,2,cat\n").error.code == .invalidLabel)
        #expect(try refusal("1,x,0\n1,2,0\n").error.line == 1)
    }

    @Test("an empty file, a blank file and a header without rows are refused")
    func emptyFiles() throws {
        let empty = try refusal("")
        #expect(empty.error.code == .empty)
        #expect(empty.error.message.hasPrefix("\(empty.path): the file is empty"))
        #expect(try refusal("\n\n  \n").error.code == .empty)
        let headerOnly = try refusal("a,b,label\n")
        #expect(headerOnly.error.code == .empty)
        #expect(headerOnly.error.message.contains("header on line 1"))
    }

    @Test("fewer than two columns are refused")
    func oneColumn() throws {
        let (error, _) = try refusal("\n1\n2\n")
        #expect(error.code == .wrongColumnCount)
        #expect(error.line == 2)
    }

    @Test("line numbers count the lines inside quoted fields")
    func multilineQuotedFields() throws {
        let (error, _) = try refusal("\"first\nname\",second,label\n1,2,0\n1,2\n")
        #expect(error.line == 4)
    }

    @Test("a missing file and a directory are refused by name")
    func unreadable() throws {
        let missing = try #require(throws: DatasetError.self) { try Dataset(csvAt: "/nonexistent/data.csv") }
        #expect(missing.message == "/nonexistent/data.csv: no such file")
        let directory = try #require(throws: DatasetError.self) { try Dataset(csvAt: "/tmp") }
        #expect(directory.code == .unreadable)
    }

    @Test("in-memory data sets validate their shape")
    func valuesValidation() throws {
        #expect(throws: DatasetError.self) {
            try Dataset(features: [1, 2, 3], labels: [0, 1], classCount: 2, featureCount: 2)
        }
        #expect(throws: DatasetError.self) {
            try Dataset(features: [1, 2], labels: [2], classCount: 2, featureCount: 2)
        }
        #expect(throws: DatasetError.self) {
            try Dataset(features: [1, .nan], labels: [0], classCount: 2, featureCount: 2)
        }
        #expect(throws: DatasetError.self) { try Dataset(features: [], labels: [], classCount: 2, featureCount: 2) }
    }
}
