"""Being found on the web (issue 16): each product's own page and address, structured data
(schema.org JSON-LD), the sitemap and robots.txt, share previews, the merchant listing
feeds, and the catalogue a shop's own site embeds."""
