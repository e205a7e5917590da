from django.db import migrations

# A citation's quote must be the article's text at its offsets. CHECK
# constraints cannot look into another table, so triggers guard both sides:
# citations as they are written, and article bodies once cited.
CREATE = """
CREATE FUNCTION events_citation_quote_matches() RETURNS trigger AS $$
DECLARE
    body text;
BEGIN
    SELECT a.body INTO body FROM events_sourcearticle a WHERE a.id = NEW.article_id;
    IF body IS NULL OR substring(body FROM NEW.start + 1 FOR NEW."end" - NEW.start)
            IS DISTINCT FROM NEW.quote THEN
        RAISE EXCEPTION 'citation_quote_matches_article: the quote is not the text of article % at [%, %)',
            NEW.article_id, NEW.start, NEW."end"
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'citation_quote_matches_article';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER citation_quote_matches_article
    BEFORE INSERT OR UPDATE OF article_id, quote, start, "end" ON events_citation
    FOR EACH ROW EXECUTE FUNCTION events_citation_quote_matches();

CREATE FUNCTION events_cited_body_unchanged() RETURNS trigger AS $$
BEGIN
    IF NEW.body IS DISTINCT FROM OLD.body
            AND EXISTS (SELECT 1 FROM events_citation c WHERE c.article_id = OLD.id) THEN
        RAISE EXCEPTION 'cited_article_body_unchanged: article % is cited, so its body cannot change', OLD.id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'cited_article_body_unchanged';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cited_article_body_unchanged
    BEFORE UPDATE OF body ON events_sourcearticle
    FOR EACH ROW EXECUTE FUNCTION events_cited_body_unchanged();
"""

DROP = """
DROP TRIGGER cited_article_body_unchanged ON events_sourcearticle;
DROP FUNCTION events_cited_body_unchanged();
DROP TRIGGER citation_quote_matches_article ON events_citation;
DROP FUNCTION events_citation_quote_matches();
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
