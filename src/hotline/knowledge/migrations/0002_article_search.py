"""The knowledge base's full-text index, in each database's own way (knowledge/search.py reads it).

PostgreSQL: a `search_vector` tsvector column, filled by a trigger from the jieba words that the
application writes (title weighted A, other phrasings B, body C; the 'simple' configuration, since
the words are segmented already), with a GIN index. SQLite: an FTS5 table over the same three
columns (external content: it stores no copy of the text), kept in step by triggers.
"""

from django.db import migrations

POSTGRES = [
    (
        "ALTER TABLE knowledge_article ADD COLUMN search_vector tsvector",
        "ALTER TABLE knowledge_article DROP COLUMN search_vector",
    ),
    (
        """
        CREATE FUNCTION knowledge_article_vector() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector :=
                setweight(to_tsvector('simple', coalesce(NEW.title_tokens, '')), 'A')
                || setweight(to_tsvector('simple', coalesce(NEW.question_tokens, '')), 'B')
                || setweight(to_tsvector('simple', coalesce(NEW.body_tokens, '')), 'C');
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        "DROP FUNCTION knowledge_article_vector()",
    ),
    (
        """
        CREATE TRIGGER knowledge_article_vector BEFORE INSERT OR UPDATE OF title_tokens, question_tokens,
        body_tokens ON knowledge_article FOR EACH ROW EXECUTE FUNCTION knowledge_article_vector()
        """,
        "DROP TRIGGER knowledge_article_vector ON knowledge_article",
    ),
    (
        "CREATE INDEX knowledge_article_search ON knowledge_article USING gin (search_vector)",
        "DROP INDEX knowledge_article_search",
    ),
]

SQLITE = [
    (
        """
        CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(
            title_tokens, question_tokens, body_tokens,
            content='knowledge_article', content_rowid='id', tokenize='unicode61'
        )
        """,
        "DROP TABLE knowledge_article_fts",
    ),
    (
        """
        CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article BEGIN
            INSERT INTO knowledge_article_fts(rowid, title_tokens, question_tokens, body_tokens)
            VALUES (new.id, new.title_tokens, new.question_tokens, new.body_tokens);
        END
        """,
        "DROP TRIGGER knowledge_article_fts_insert",
    ),
    (
        """
        CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article BEGIN
            INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, title_tokens, question_tokens,
                body_tokens)
            VALUES ('delete', old.id, old.title_tokens, old.question_tokens, old.body_tokens);
        END
        """,
        "DROP TRIGGER knowledge_article_fts_delete",
    ),
    (
        """
        CREATE TRIGGER knowledge_article_fts_update AFTER UPDATE ON knowledge_article BEGIN
            INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, title_tokens, question_tokens,
                body_tokens)
            VALUES ('delete', old.id, old.title_tokens, old.question_tokens, old.body_tokens);
            INSERT INTO knowledge_article_fts(rowid, title_tokens, question_tokens, body_tokens)
            VALUES (new.id, new.title_tokens, new.question_tokens, new.body_tokens);
        END
        """,
        "DROP TRIGGER knowledge_article_fts_update",
    ),
]


def _run(statements_of: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
        pairs = statements if statements_of == "forward" else list(reversed(statements))
        for forward, backward in pairs:
            schema_editor.execute(forward if statements_of == "forward" else backward)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles")]

    operations = [migrations.RunPython(_run("forward"), _run("backward"))]
