import ArgumentParser

extension FRS {
    struct People: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "people",
            abstract: "List, name, merge, split, hide and delete persons.",
            discussion: """
            Every change writes the face history. Faces a user moves are marked user-confirmed; unassigning \
            or deleting clears that mark. Renaming makes a person user-named, which reclustering never renames.
            """,
            subcommands: [List.self, Show.self, Rename.self, Merge.self, Reject.self,
                          Move.self, Unassign.self, Hide.self,
                          Unhide.self, BirthDate.self, Delete.self, MergeSuggestions.self, Different.self]
        )
    }
}
