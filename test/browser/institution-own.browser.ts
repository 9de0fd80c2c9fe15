import { api, confirmDialog, type Flow, loggedIn, openFromMenu } from './harness.ts';

/**
 * Issue 21: the institution's own rating and sanctions with appeal (我的评级与处理), on the living
 * demo. The demo's sanction under appeal is the second school's (hn_school), already appealed, so
 * the set-up suspends hy_school's institution through the API; the school reads its rating and the
 * sanction and appeals it after a confirmation. The city then overturns the appeal (set-up again)
 * so the school is active for the flows that follow on the same living demo.
 */

const institutionOwn: Flow = {
  name: 'Institution on the living demo: its own rating and sanction on 我的评级与处理, and its appeal after a confirmation',
  livingDemo: true,
  steps: [
    'set-up: the city suspends the school (a sanction standing, not yet appealed)',
    'the school opens 我的评级与处理 from its menu and reads its rating with the reasons',
    'it sees the sanction standing and appeals it after a confirmation',
    'the appeal waits for review and cannot be filed twice; the city sees it waiting',
  ],
  async run(context) {
    const { server, step, screenshot } = context;
    let sanctionId = 0;
    await step('set-up: the city suspends the school (a sanction standing, not yet appealed)', async () => {
      const own = (await api(server, 'hy_school', 'GET', '/api/supervision/my-organisation')) as {
        organisation: { id: number; status: string };
      };
      if (own.organisation.status !== 'active')
        throw new Error(`hy_school's institution is ${own.organisation.status}, not active`);
      const sanction = await api(server, 'hy_city', 'POST', '/api/supervision/sanctions', {
        organisationId: own.organisation.id,
        action: 'suspended',
        effectiveDate: server.today(),
        reason: '抽查发现2110期考勤记录与现场人数不符',
      });
      sanctionId = sanction.id as number;
    });
    const { page } = await loggedIn(context, 'hy_school');
    await step(
      'the school opens 我的评级与处理 from its menu and reads its rating with the reasons',
      async () => {
        await openFromMenu(page, '我的评级与处理');
        const header = page.getByTestId('own-organisation');
        await header.getByText('衡阳县职业技能培训学校').waitFor();
        await header.getByText('已暂停').waitFor();
        await header
          .getByTestId('own-latest-grade')
          .getByText(/2021 年度 [ABCD] 级/)
          .waitFor();
        const ratings = page.getByTestId('own-ratings');
        await ratings.getByText('2021 年度').waitFor();
        // The rating explains itself: at least one sentence of the formula's explanation.
        if ((await ratings.locator('li').count()) === 0) throw new Error('the rating has no explanation');
      },
    );
    await step('it sees the sanction standing and appeals it after a confirmation', async () => {
      const row = page
        .getByTestId('own-sanctions')
        .getByRole('row')
        .filter({ hasText: `第 ${sanctionId} 号` });
      await row.getByText('暂停').first().waitFor();
      await row.getByText('未申诉').waitFor();
      await row.getByText('抽查发现2110期考勤记录与现场人数不符').waitFor();
      await row.getByRole('button', { name: '提出申诉' }).click();
      const dialog = page.getByRole('dialog').filter({ hasText: `申诉：第 ${sanctionId} 号处罚` });
      await dialog
        .getByLabel('申诉理由')
        .fill('2110期当日两名学员请假，考勤已按规定补录请假说明，请求撤销暂停');
      await screenshot(page, 'institution-own-appeal-form');
      await dialog.getByRole('button', { name: '提交申诉' }).click();
      const confirm = page.getByRole('dialog').filter({ hasText: '确认提交申诉？' });
      await confirm.getByText('每项处罚只能申诉一次').waitFor();
      await confirmDialog(page, '确认提交', { dialog: confirm });
      await page.getByText('申诉已提交，等待人社部门复核').waitFor();
    });
    await step(
      'the appeal waits for review and cannot be filed twice; the city sees it waiting',
      async () => {
        const row = page
          .getByTestId('own-sanctions')
          .getByRole('row')
          .filter({ hasText: `第 ${sanctionId} 号` });
        await row.getByText('申诉待复核').waitFor();
        if ((await row.getByRole('button', { name: '提出申诉' }).count()) > 0)
          throw new Error('the school is offered a second appeal');
        await screenshot(page, 'institution-own-appealed');
        const seen = await api(server, 'hy_city', 'GET', `/api/supervision/sanctions/${sanctionId}`);
        if (seen.appealStatus !== 'filed')
          throw new Error(`the city sees the appeal as ${seen.appealStatus}`);
        // Set-up for the flows after this one: the appeal is upheld in the school's favour.
        await api(server, 'hy_city', 'POST', `/api/supervision/sanctions/${sanctionId}/appeal-decision`, {
          isOverturned: true,
          decision: '请假说明属实，撤销暂停',
          effectiveDate: server.today(),
        });
      },
    );
  },
};

export const flows: Flow[] = [institutionOwn];
