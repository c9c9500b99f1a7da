import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { ffmpegPath } from '../src/server/platform/asr/audio';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// 短视频 from the phone to the feed: resident1 records (here: a 2-second clip
// made by ffmpeg) and publishes a short video to their community on a 360 px
// phone; the job transcodes it; secretary1 (the community's branch) plays it
// in 内容审核 and approves it; member1, of the same community, finds it in the
// feed on their phone and plays it.

const demo = demoSuite();

/** Waits until the thumbnail image inside `scope` has loaded (a screenshot before would show the black box). */
async function thumbnailLoaded(scope: Locator) {
  await scope.locator('img').first().evaluate((img) => {
    const i = img as HTMLImageElement;
    return i.complete && i.naturalWidth > 0 ? undefined : new Promise((resolve) => i.addEventListener('load', resolve, { once: true }));
  });
}

describe('短视频与动态', () => {
  it('a resident publishes a video, the secretary approves it in the console, a member of the community sees it in the feed', { timeout: 240_000 }, async () => {
    const { h, base, browser } = demo;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-posts-'));
    const clip = path.join(tmp, '广场舞.mp4');
    execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=15:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', clip]);
    // not one of the demo data's texts: the cards below are found by it
    const text = '端午节社区包粽子比赛，邻居们一起动手';

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const phone2 = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const desk = await newPage(browser);
    try {
      // -- the resident publishes from their home page
      const r = phone.page;
      await loginAs(r, base, 'resident1');
      await r.getByTestId('resident-posts-link').click();
      await r.waitForURL(`${base}/m/posts`);
      await r.getByTestId('m-post-new').click();
      await r.getByTestId('m-post-file').setInputFiles(clip);
      await r.getByText('已选择：广场舞.mp4').waitFor();
      await r.getByLabel('内容').fill(text);
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-posts-publish-360');
      await r.getByTestId('m-post-submit').click();
      const mine = r.getByTestId('m-my-post').filter({ hasText: text });
      await mine.getByTestId('m-my-post-status').waitFor();
      // the transcoding job (the demo server runs its jobs; run what is due now rather than wait for the poll)
      await h.deps.jobs.runDue();
      await mine.getByTestId('m-my-post-status').filter({ hasText: '待审核' }).waitFor({ timeout: 30_000 });
      await mine.getByTestId('m-post-thumb').waitFor();
      await thumbnailLoaded(mine);
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(r)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(r, 'm-posts-mine-360');
      const post = await h.db.one<{ id: string; status: string }>(sql`SELECT id, status FROM post WHERE body = ${text}`);
      expect(post.status).toBe('pending_review');

      // -- the secretary plays it in 内容审核 and approves it
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: /内容审核/ }).click();
      await admin.waitForURL(`${base}/admin/posts`);
      const card = admin.getByTestId('pm-post').filter({ hasText: text });
      await card.getByTestId('pm-status').filter({ hasText: '待审核' }).waitFor();
      await card.getByTestId('pm-thumb').click();
      const player = card.getByTestId('pm-player');
      await player.waitFor();
      expect(await player.evaluate((v) => (v as HTMLVideoElement).src)).toContain(`/api/v1/posts/${post.id}/video`);
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(admin)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(admin, 'posts-moderation-1440');
      await card.getByTestId('pm-approve').click();
      await admin.locator('.ant-message-notice', { hasText: '已通过并发布' }).waitFor();
      await card.getByTestId('pm-status').filter({ hasText: '已发布' }).waitFor();
      await card.getByTestId('pm-hide').waitFor();

      // -- a member of the community sees it in the feed and plays it
      const m = phone2.page;
      await loginAs(m, base, 'member1');
      await m.getByRole('link', { name: '我的' }).click();
      await m.getByTestId('me-posts-link').click();
      await m.waitForURL(`${base}/m/posts`);
      const feedCard = m.getByTestId('m-feed-post').filter({ hasText: text });
      await feedCard.waitFor();
      await feedCard.getByText('群众 · 发给').waitFor();
      await thumbnailLoaded(feedCard);
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-posts-feed-360');
      await feedCard.getByTestId('m-post-thumb').click();
      const mp = feedCard.getByTestId('m-post-player');
      await mp.waitFor();
      // the browser asks for ranges of the mp4; the answer is 206 with the bytes asked for
      const res = await m.evaluate(async (u) => {
        const r = await fetch(u, { headers: { range: 'bytes=0-99' } });
        return { status: r.status, range: r.headers.get('content-range'), length: (await r.arrayBuffer()).byteLength };
      }, `/api/v1/posts/${post.id}/video`);
      expect(res.status).toBe(206);
      expect(res.range).toMatch(/^bytes 0-99\/\d+$/);
      expect(res.length).toBe(100);
      await screenshot(m, 'm-posts-feed-playing-360');
    } finally {
      await phone.context.close();
      await phone2.context.close();
      await desk.context.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
