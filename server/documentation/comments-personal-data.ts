// Guardians' comments and home observations in the register extract (each child's, with their status and an
// observation's photo by its file's name; the writer as "you" or "someone else") and in retention (they go with the child's other documentation).
import type { Db } from '../kernel/db.ts';
import { slices, type PersonalDataPart } from '../kernel/personal-data.ts';
import { extractFileName, observationPhotoPath } from './export-rules.ts';

export const commentsPersonalData: PersonalDataPart = {
  domain: 'documentation-comments',
  async extract(db, subject) {
    if (subject.childIds.length === 0) return { sections: [] };
    const [comments, observations] = await Promise.all([
      db.selectFrom('post_comments').innerJoin('posts', 'posts.id', 'post_comments.post_id')
        .select(['post_comments.child_id', 'post_comments.body', 'post_comments.status', 'post_comments.author_id', 'post_comments.created_at', 'posts.title'])
        .where('post_comments.child_id', 'in', subject.childIds).orderBy('post_comments.created_at').orderBy('post_comments.id').execute(),
      db.selectFrom('home_observations').select(['id', 'child_id', 'body', 'status', 'author_id', 'created_at', 'photo_key'])
        .where('child_id', 'in', subject.childIds).orderBy('created_at').orderBy('id').execute(),
    ]);
    const by = (author: number) => (author === subject.personId ? 'you' : 'other');
    // As the pages show them: the approved ones, and one's own whatever became of them; never another household's
    // waiting or stopped words (a stopped observation's photo may show other children).
    const shown = (row: { status: string; author_id: number }) => row.status === 'approved' || row.author_id === subject.personId;
    return {
      sections: subject.childIds.flatMap((childId) => [
        {
          title: 'personalData.sections.postComments', childId, columns: ['created_at', 'post_title', 'body', 'status', 'by'],
          rows: comments.filter((c) => c.child_id === childId && shown(c))
            .map((c) => ({ created_at: c.created_at, post_title: c.title, body: c.body, status: c.status, by: by(c.author_id) })),
        },
        {
          title: 'personalData.sections.homeObservations', childId, columns: ['created_at', 'body', 'photo', 'status', 'by'],
          rows: observations.filter((o) => o.child_id === childId && shown(o))
            .map((o) => ({
              created_at: o.created_at, body: o.body, status: o.status, by: by(o.author_id),
              // (the photo's file in the child's folder: documentation's part of the extract adds it)
              photo: o.photo_key === null ? '' : extractFileName(observationPhotoPath({ id: o.id, createdAt: o.created_at })),
            })),
        },
      ]),
    };
  },
  retention: [
    {
      kind: 'postComments', defaultMonths: 12,
      async remove(trx: Db, childIds) {
        let removed = 0;
        for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('post_comments').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
        return removed;
      },
    },
    {
      kind: 'homeObservations', defaultMonths: 12,
      async remove(trx: Db, childIds) {
        let removed = 0;
        for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('home_observations').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
        return removed;
      },
    },
  ],
};
