"""One part of a search as an array of report ids, from its GIN index (reports.public.sets.results).

report_search_set(part, query, lang) returns the ids of the reports in `lang` whose stored
document of that part (title, head or document: migration 0019) matches an already parsed
`query`. The search's sets are kept per publication generation, one part of the query (a word,
a phrase) at a time, so the query arrives parsed and is not stemmed again. EXECUTE plans each
call with its values known, so the language's partial GIN index answers it; seqscan is off as in
0019's functions, or two common words matching most of the archive would read every row.
"""

from django.db import migrations

from reports.migration_operations import OnPostgreSQLOnly

FUNCTION = """
CREATE FUNCTION report_search_set(part text, query tsquery, lang text) RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET enable_seqscan = off AS $$
DECLARE
    ids bigint[];
BEGIN
    IF part NOT IN ('title', 'head', 'document') THEN
        RAISE EXCEPTION 'report_search_set: no search document %', part;
    END IF;
    IF lang NOT IN ('en', 'ar') THEN
        RAISE EXCEPTION 'report_search_set: no language %', lang;
    END IF;
    EXECUTE format('SELECT array_agg(report_id) FROM reports_search WHERE %I @@ $1 AND language = %L', part, lang)
        INTO ids USING query;
    RETURN coalesce(ids, '{}');
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0027_editors_see_alert_subscribers")]

    operations = [
        OnPostgreSQLOnly(
            migrations.RunSQL(sql=FUNCTION, reverse_sql="DROP FUNCTION report_search_set(text, tsquery, text)")
        )
    ]
