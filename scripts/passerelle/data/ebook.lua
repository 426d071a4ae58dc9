-- Pandoc filter for Passerelle's e-books (exports/ebooks.py): an EPUB holds only its own files.
-- Links inside the book (#...) and to the web (http, https, mailto) stay; a link to a file of the site
-- (another page, a download) becomes its text, since the book cannot follow it. Images become their
-- description (or a link when they are on the web): pandoc never reads a file or the network for them.
local function outside(target)
  return target:match("^https?://") or target:match("^mailto:")
end

function Link(el)
  if el.target:sub(1, 1) == "#" or outside(el.target) then
    return el
  end
  return el.content
end

function Image(el)
  if el.src:match("^https?://") then
    return pandoc.Link(el.caption, el.src)
  end
  return el.caption
end

function RawInline(el)
  return {}
end

function RawBlock(el)
  return {}
end
