-- The inbox component (issue 34): an item keeps its action buttons (at most two {label, url}, already held to the link
-- rules when rendered) and the thread key that collapses it with its siblings in the component's feed. Both nullable
-- and without defaults: adding them rewrites nothing.
alter table inbox_items
    add column actions jsonb,
    add column thread text;
