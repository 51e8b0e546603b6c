"""Search by classes that indexes answer, from a narrow table of stored documents.

The relevance rule (reports.public.search) orders a search's matches by where all its words
are found: in the title, else within the title and summary, else anywhere (body, PDF text);
newest period first within each. On PostgreSQL this migration keeps, for every report, a row
of reports_search with three documents, each stemmed in the report's language and each with
its own GIN index:

- title: the title (A);
- head: the title (A) and the summary (B);
- document: 0017's whole document (title A, summary B, body C, PDF text D).

The table is narrow on purpose (toast_tuple_target = 128: the documents live out of line), so
that turning a GIN bitmap of 66,000 matches into ids reads about 2,000 small pages rather than
the 20,000 pages of reports_report (150 MB at 100,000 reports), and never decompresses a
document (GIN answers plain word queries without a recheck). A trigger on reports_report
keeps the row in step with every insert and every change of the title, summary, body, PDF
text or language, whoever writes it, and another deletes the row with its report. (No foreign
key: Django's test flush truncates reports_report, which a referencing table would refuse.)

Three functions, report_search_title(words), report_search_head(words) and
report_search_document(words), return the ids of the reports whose document of that class
matches websearch_to_tsquery(words) in the row's own language: English rows against the
English query, Arabic rows against the Arabic one, one branch each so that the index alone
decides. They run with seqscan off: when two common words match most of the archive, the
planner would otherwise read every row to test it.
"""

from django.db import migrations

from reports.migration_operations import OnPostgreSQLOnly

CONFIG = "(CASE WHEN NEW.language = 'ar' THEN 'arabic'::regconfig ELSE 'english'::regconfig END)"
TITLE = f"setweight(to_tsvector({CONFIG}, coalesce(NEW.title, '')), 'A')"
HEAD = f"{TITLE} || setweight(to_tsvector({CONFIG}, coalesce(NEW.summary, '')), 'B')"
DOCUMENT = (
    f"{HEAD} || setweight(to_tsvector({CONFIG}, coalesce(NEW.body, '')), 'C')"
    f" || setweight(to_tsvector({CONFIG}, coalesce(NEW.pdf_text, '')), 'D')"
)
PARTS = ("title", "head", "document")
# One partial GIN index per part and language, so that an English query never walks the Arabic
# rows' entries (and the reverse): most words mean nothing in the other language.
LANGUAGES = ("en", "ar")

TABLE = """
CREATE TABLE reports_search (
    report_id bigint PRIMARY KEY,
    language varchar(2) NOT NULL,
    title tsvector NOT NULL,
    head tsvector NOT NULL,
    document tsvector NOT NULL
) WITH (toast_tuple_target = 128)
"""
TRIGGER_FUNCTION = f"""
CREATE FUNCTION reports_search_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_search (report_id, language, title, head, document)
    VALUES (NEW.id, NEW.language, {TITLE}, {HEAD}, {DOCUMENT})
    ON CONFLICT (report_id) DO UPDATE SET language = EXCLUDED.language, title = EXCLUDED.title,
        head = EXCLUDED.head, document = EXCLUDED.document;
    RETURN NULL;
END
$$
"""
FORGET_FUNCTION = """
CREATE FUNCTION reports_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reports_search WHERE report_id = OLD.id;
    RETURN NULL;
END
$$
"""
TRIGGERS = [
    "CREATE TRIGGER reports_search_insert AFTER INSERT ON reports_report "
    "FOR EACH ROW EXECUTE FUNCTION reports_search_write()",
    "CREATE TRIGGER reports_search_update AFTER UPDATE OF title, summary, body, pdf_text, language "
    "ON reports_report FOR EACH ROW EXECUTE FUNCTION reports_search_write()",
    "CREATE TRIGGER reports_search_delete AFTER DELETE ON reports_report "
    "FOR EACH ROW EXECUTE FUNCTION reports_search_forget()",
]
BACKFILL = f"""
INSERT INTO reports_search (report_id, language, title, head, document)
SELECT NEW.id, NEW.language, {TITLE}, {HEAD}, {DOCUMENT} FROM reports_report AS NEW
"""


def matches_function(part):
    return f"""
CREATE FUNCTION report_search_{part}(words text) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off ROWS 1000 AS $$
    SELECT report_id FROM reports_search
    WHERE {part} @@ websearch_to_tsquery('english'::regconfig, words) AND language = 'en'
    UNION ALL
    SELECT report_id FROM reports_search
    WHERE {part} @@ websearch_to_tsquery('arabic'::regconfig, words) AND language = 'ar'
$$"""


FORWARDS = [
    TABLE,
    *(f"ALTER TABLE reports_search ALTER COLUMN {part} SET STORAGE EXTERNAL" for part in ("head", "document")),
    TRIGGER_FUNCTION,
    FORGET_FUNCTION,
    *TRIGGERS,
    BACKFILL,
    *(
        f"CREATE INDEX reports_search_{part}_{language}_idx ON reports_search USING gin ({part}) "
        f"WHERE language = '{language}'"
        for part in PARTS
        for language in LANGUAGES
    ),
    *(matches_function(part) for part in PARTS),
    "ANALYZE reports_search",
]
BACKWARDS = [
    *(f"DROP FUNCTION report_search_{part}(text)" for part in PARTS),
    "DROP TRIGGER reports_search_delete ON reports_report",
    "DROP TRIGGER reports_search_update ON reports_report",
    "DROP TRIGGER reports_search_insert ON reports_report",
    "DROP FUNCTION reports_search_forget()",
    "DROP FUNCTION reports_search_write()",
    "DROP TABLE reports_search",
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0018_report_versions")]

    operations = [OnPostgreSQLOnly(migrations.RunSQL(sql=FORWARDS, reverse_sql=BACKWARDS))]
