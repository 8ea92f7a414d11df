// unixODBC's headers (Debian: unixodbc-dev). The constants below are macros built from other macros
// or casts, which Swift does not import; they are re-exported here as typed constants.
#include <sql.h>
#include <sqlext.h>

static const SQLSMALLINT FRS_SQL_C_SBIGINT = SQL_C_SBIGINT;
static const SQLSMALLINT FRS_SQL_C_BIT = SQL_C_BIT;
static const SQLSMALLINT FRS_SQL_C_DOUBLE = SQL_C_DOUBLE;
static const SQLSMALLINT FRS_SQL_C_WCHAR = SQL_C_WCHAR;
static const SQLSMALLINT FRS_SQL_C_BINARY = SQL_C_BINARY;
static const SQLSMALLINT FRS_SQL_C_TYPE_TIMESTAMP = SQL_C_TYPE_TIMESTAMP;
static const SQLLEN FRS_SQL_NULL_DATA = SQL_NULL_DATA;
static const SQLLEN FRS_SQL_NO_TOTAL = SQL_NO_TOTAL;
static const SQLINTEGER FRS_SQL_NTS = SQL_NTS;
