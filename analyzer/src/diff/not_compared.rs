//! Statements the catalog replays without keeping what they change (it accepts them so later
//! statements replay), and so the offline diff cannot show: triggers, policies, rules,
//! privileges, comments, ownership, statistics, sequence options, and the ALTER TABLE
//! subcommands outside columns and constraints. A report lists them next to the diff.

use pg_query::protobuf::{AlterTableType, ObjectType};
use pg_query::NodeEnum;

/// What a statement changes that the offline diff does not compare, when it changes such a
/// thing: `CREATE TRIGGER`, `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` ...
pub fn not_compared(node: &NodeEnum) -> Option<&'static str> {
    Some(match node {
        NodeEnum::CreateTrigStmt(_) => "CREATE TRIGGER",
        NodeEnum::CreateEventTrigStmt(_) => "CREATE EVENT TRIGGER",
        NodeEnum::CreatePolicyStmt(_) => "CREATE POLICY",
        NodeEnum::AlterPolicyStmt(_) => "ALTER POLICY",
        NodeEnum::RuleStmt(_) => "CREATE RULE",
        NodeEnum::GrantStmt(g) if g.is_grant => "GRANT",
        NodeEnum::GrantStmt(_) => "REVOKE",
        NodeEnum::CommentStmt(_) => "COMMENT",
        NodeEnum::AlterOwnerStmt(_) => "ALTER ... OWNER TO",
        NodeEnum::AlterDefaultPrivilegesStmt(_) => "ALTER DEFAULT PRIVILEGES",
        NodeEnum::CreateStatsStmt(_) => "CREATE STATISTICS",
        NodeEnum::AlterSeqStmt(_) => "ALTER SEQUENCE",
        NodeEnum::DropStmt(d) => match d.remove_type() {
            ObjectType::ObjectTrigger => "DROP TRIGGER",
            ObjectType::ObjectPolicy => "DROP POLICY",
            ObjectType::ObjectRule => "DROP RULE",
            ObjectType::ObjectStatisticExt => "DROP STATISTICS",
            _ => return None,
        },
        NodeEnum::AlterTableStmt(a) if a.objtype() != ObjectType::ObjectTable => match a.objtype() {
            ObjectType::ObjectIndex => "ALTER INDEX",
            ObjectType::ObjectSequence => "ALTER SEQUENCE",
            ObjectType::ObjectView | ObjectType::ObjectMatview => "ALTER VIEW",
            ObjectType::ObjectType => "ALTER TYPE ... ATTRIBUTE",
            ObjectType::ObjectForeignTable => "ALTER FOREIGN TABLE",
            _ => return None,
        },
        NodeEnum::AlterTableStmt(a) => {
            return a.cmds.iter().find_map(|c| match &c.node {
                Some(NodeEnum::AlterTableCmd(c)) => table_subcommand(c.subtype()),
                _ => None,
            })
        }
        _ => return None,
    })
}

fn table_subcommand(t: AlterTableType) -> Option<&'static str> {
    use AlterTableType as A;
    Some(match t {
        // What the catalog keeps: columns, their defaults and identity, constraints.
        A::AtAddColumn
        | A::AtDropColumn
        | A::AtSetNotNull
        | A::AtDropNotNull
        | A::AtAlterColumnType
        | A::AtColumnDefault
        | A::AtAddIdentity
        | A::AtSetIdentity
        | A::AtDropIdentity
        | A::AtDropExpression
        | A::AtAddConstraint
        | A::AtValidateConstraint
        | A::AtDropConstraint => return None,
        A::AtEnableRowSecurity
        | A::AtDisableRowSecurity
        | A::AtForceRowSecurity
        | A::AtNoForceRowSecurity => "ALTER TABLE ... ROW LEVEL SECURITY",
        A::AtEnableTrig
        | A::AtEnableAlwaysTrig
        | A::AtEnableReplicaTrig
        | A::AtDisableTrig
        | A::AtEnableTrigAll
        | A::AtDisableTrigAll
        | A::AtEnableTrigUser
        | A::AtDisableTrigUser => "ALTER TABLE ... ENABLE/DISABLE TRIGGER",
        A::AtAttachPartition => "ALTER TABLE ... ATTACH PARTITION",
        A::AtDetachPartition | A::AtDetachPartitionFinalize => "ALTER TABLE ... DETACH PARTITION",
        A::AtAddInherit | A::AtDropInherit => "ALTER TABLE ... INHERIT",
        A::AtChangeOwner => "ALTER TABLE ... OWNER TO",
        A::AtReplicaIdentity => "ALTER TABLE ... REPLICA IDENTITY",
        A::AtAlterConstraint => "ALTER TABLE ... ALTER CONSTRAINT",
        A::AtSetLogged | A::AtSetUnLogged => "ALTER TABLE ... SET LOGGED/UNLOGGED",
        A::AtSetRelOptions | A::AtResetRelOptions | A::AtReplaceRelOptions => {
            "ALTER TABLE ... SET (storage options)"
        }
        A::AtSetStatistics => "ALTER TABLE ... SET STATISTICS",
        A::AtSetStorage | A::AtSetCompression => "ALTER TABLE ... SET STORAGE/COMPRESSION",
        A::AtClusterOn | A::AtDropCluster => "ALTER TABLE ... CLUSTER ON",
        A::AtSetTableSpace => "ALTER TABLE ... SET TABLESPACE",
        _ => "this ALTER TABLE subcommand",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(sql: &str) -> Option<&'static str> {
        not_compared(&crate::parse_script(sql).unwrap()[0].node)
    }

    #[test]
    fn statements_outside_the_catalog_are_named() {
        assert_eq!(
            first("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f()"),
            Some("CREATE TRIGGER")
        );
        assert_eq!(first("REVOKE ALL ON x FROM PUBLIC"), Some("REVOKE"));
        assert_eq!(
            first("ALTER TABLE x ENABLE ROW LEVEL SECURITY"),
            Some("ALTER TABLE ... ROW LEVEL SECURITY")
        );
        assert_eq!(
            first("ALTER TABLE x ATTACH PARTITION y FOR VALUES IN (1)"),
            Some("ALTER TABLE ... ATTACH PARTITION")
        );
        // The first subcommand the catalog does not keep names the statement.
        assert_eq!(
            first("ALTER TABLE x ADD COLUMN a int, OWNER TO app, REPLICA IDENTITY FULL"),
            Some("ALTER TABLE ... OWNER TO")
        );
        assert_eq!(first("DROP POLICY p ON x"), Some("DROP POLICY"));
    }

    #[test]
    fn what_the_diff_compares_is_not_listed() {
        assert_eq!(first("ALTER TABLE x ADD COLUMN a int DEFAULT 0, ALTER b SET NOT NULL"), None);
        assert_eq!(first("CREATE INDEX i ON x (a)"), None);
        assert_eq!(first("DROP TABLE x"), None);
    }
}
