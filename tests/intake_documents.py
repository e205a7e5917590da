"""
Feeds, sitemaps and article pages as the intake tests serve them, built from
the stories in tests/data/intake/stories/.
"""

import html
import json
from pathlib import Path

STORIES = Path(__file__).parent / "data" / "intake" / "stories"


def story(name: str) -> str:
    return (STORIES / f"{name}.txt").read_text(encoding="utf-8")


def page(
    title: str,
    text: str,
    *,
    lang: str | None = "en",
    canonical: str | None = None,
    site: str | None = None,
    author: str | None = None,
    published: str | None = None,
    charset: str = "utf-8",
) -> str:
    """An article page with the metadata news sites put in their <head>."""
    head = [f'<meta charset="{charset}">', f"<title>{html.escape(title)}</title>"]
    if canonical:
        head.append(f'<link rel="canonical" href="{html.escape(canonical)}">')
    if site:
        head.append(f'<meta property="og:site_name" content="{html.escape(site)}">')
    if author:
        head.append(f'<meta name="author" content="{html.escape(author)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    paragraphs = "".join(
        f"<p>{html.escape(part)}</p>" for part in text.split("\n\n") if part.strip()
    )
    opening = f'<html lang="{lang}">' if lang else "<html>"
    return (
        f"<!DOCTYPE html>{opening}<head>{''.join(head)}</head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        "<footer>All rights reserved.</footer></body></html>"
    )


def rss(items: list[dict], *, title: str = "Border Wire", language: str = "en") -> str:
    """RSS 2.0; an item's "content" goes into content:encoded."""
    entries = []
    for item in items:
        parts = [
            f"<title>{html.escape(item['title'])}</title>",
            f"<link>{html.escape(item['link'])}</link>",
            f"<guid>{html.escape(item.get('guid', item['link']))}</guid>",
        ]
        if item.get("date"):
            parts.append(f"<pubDate>{item['date']}</pubDate>")
        if item.get("author"):
            parts.append(f"<dc:creator>{html.escape(item['author'])}</dc:creator>")
        parts.append(
            f"<description>{html.escape(item.get('summary', ''))}</description>"
        )
        if item.get("content"):
            parts.append(
                f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
            )
        entries.append(f"<item>{''.join(parts)}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{html.escape(title)}</title><link>http://example.org/</link>"
        f"<language>{language}</language>{''.join(entries)}</channel></rss>"
    )


def atom(entries: list[dict], *, title: str = "Frontier Times") -> str:
    items = []
    for entry in entries:
        items.append(
            "<entry>"
            f"<id>{html.escape(entry.get('id', entry['link']))}</id>"
            f"<title>{html.escape(entry['title'])}</title>"
            f'<link rel="alternate" href="{html.escape(entry["link"])}"/>'
            f"<updated>{entry['date']}</updated><published>{entry['date']}</published>"
            f"<author><name>{html.escape(entry.get('author', 'Staff'))}</name></author>"
            f"<summary>{html.escape(entry.get('summary', ''))}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
        f"<title>{html.escape(title)}</title><id>urn:test:feed</id>"
        f"<updated>2024-05-06T10:00:00Z</updated>{''.join(items)}</feed>"
    )


def json_feed(items: list[dict], *, title: str = "Region Daily") -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "language": "en",
            "items": items,
        }
    )


def sitemap(urls: list[dict]) -> str:
    """A sitemap with Google News' extension for the entries that have a title."""
    entries = []
    for url in urls:
        news = ""
        if url.get("title"):
            outlet = html.escape(url.get("outlet", "Sitemap News"))
            news = (
                "<news:news><news:publication>"
                f"<news:name>{outlet}</news:name>"
                f"<news:language>{url.get('language', 'en')}</news:language>"
                "</news:publication>"
                f"<news:publication_date>{url['date']}</news:publication_date>"
                f"<news:title>{html.escape(url['title'])}</news:title></news:news>"
            )
        entries.append(f"<url><loc>{html.escape(url['loc'])}</loc>{news}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{''.join(entries)}</urlset>"
    )


def sitemap_index(children: list[tuple[str, str]]) -> str:
    """(loc, lastmod) pairs."""
    entries = "".join(
        f"<sitemap><loc>{html.escape(loc)}</loc><lastmod>{lastmod}</lastmod></sitemap>"
        for loc, lastmod in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    )
