import Testing
@testable import FacePipeline

@Suite("Path mapping")
struct PathMappingTests {
    @Test("the longest matching prefix wins; backslashes after it become slashes; case is ignored in the prefix")
    func rewrites() throws {
        let mapping = try PathMapping(parsing: #"C:\media\=/mnt/media/; C:\media\2019\=/archive/2019/"#)
        #expect(mapping.localPath(for: #"C:\media\2019\a\b.jpg"#) == "/archive/2019/a/b.jpg")
        #expect(mapping.localPath(for: #"c:\MEDIA\x.jpg"#) == "/mnt/media/x.jpg")
        #expect(mapping.localPath(for: "/already/local.jpg") == "/already/local.jpg")
        #expect(mapping.text == "C:/media/2019/=/archive/2019/;C:/media/=/mnt/media/")
    }

    @Test("a pair without `=` or with an empty side is refused, naming it")
    func refusesBadPairs() {
        for text in ["C:/media", "=/mnt", "C:/media="] {
            #expect(throws: SettingsError.self) { try PathMapping(parsing: text) }
        }
        #expect((try? PathMapping(parsing: "")) == PathMapping())
    }
}
