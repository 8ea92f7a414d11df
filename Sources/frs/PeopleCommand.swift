import ArgumentParser

struct PeopleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "List, name, merge, split, hide and delete persons.",
        discussion: """
        Every change writes the face history. Faces a user moves are marked user-confirmed; unassigning \
        or deleting clears that mark. Renaming makes a person user-named, which reclustering never renames.
        """,
        subcommands: [PeopleListCommand.self, PeopleShowCommand.self, PeopleRenameCommand.self, PeopleMergeCommand.self, PeopleRejectCommand.self,
                      PeopleMoveCommand.self, PeopleUnassignCommand.self, PeopleHideCommand.self,
                      PeopleUnhideCommand.self, PeopleBirthDateCommand.self, PeopleDeleteCommand.self]
    )
}
