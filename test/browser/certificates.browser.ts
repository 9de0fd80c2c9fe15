import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { creditCodeCheckCharacter } from '../../src/registry/identifiers.ts';
import { confirmDialog, type Flow, idNumberWithCheckDigit, loginThroughUi } from './harness.ts';

/**
 * Certificates from their issuers (issue 17 finding 3): an evaluation organisation of the
 * evaluation-organisation catalog issues a skill-level certificate to a candidate who passed its
 * assessment, and revokes another; public verification then shows the revocation.
 */
const certificates: Flow = {
  name: 'Evaluation organisation: issues a certificate to a candidate who passed, revokes another; public verification shows the revocation',
  steps: [
    'an evaluation organisation admitted to the catalog, its assessment and results (setup through the API)',
    'the evaluation organisation opens 考核评价与发证 from its menu',
    'issue a skill-level certificate to the candidate who passed',
    'revoke the other certificate with a reason',
    'public verification shows the revocation',
  ],
  async run({ server, newPage, step, screenshot }) {
    const stamp = Date.now();
    const loginName = `zh_cert_${stamp}`.slice(0, 30);
    const issuedNumber = `ZH-ISSUE-${stamp}`;
    const revokedNumber = `ZH-REVOKE-${stamp}`;
    const candidates = [
      { name: '周合格', idNumber: idNumberWithCheckDigit('43042119920101135') },
      { name: '吴撤销', idNumber: idNumberWithCheckDigit('43042119920202147') },
    ];
    const expectStatus = (what: string, response: { status: number; json: unknown }, status: number) => {
      if (response.status !== status)
        throw new Error(`${what}: ${response.status} ${JSON.stringify(response.json)}`);
      return response.json as { id: number };
    };
    await step(
      'an evaluation organisation admitted to the catalog, its assessment and results (setup through the API)',
      async () => {
        const station = expectStatus(
          'evaluation organisation',
          await server.apiAs('hy_city', 'POST', '/api/organisations', {
            kind: 'evaluation_org',
            regionCode: '430405',
            name: '珠晖区职业技能等级认定中心',
            creditCode: `12430405MB1X00099${creditCodeCheckCharacter('12430405MB1X00099')}`,
          }),
          201,
        );
        expectStatus(
          'operator',
          await server.apiAs('hy_city', 'POST', `/api/organisations/${station.id}/operators`, {
            loginName,
            displayName: '珠晖区认定中心 经办',
            password: DEMO_PASSWORD,
          }),
          201,
        );
        expectStatus(
          'catalog admission',
          await server.apiAs('hy_city', 'POST', '/api/catalog/evaluation-organisations', {
            organisationId: station.id,
            occupationCode: '4-10-01-05',
            level: 'primary',
            regionCode: '430400',
            validFrom: '2021-01-01',
          }),
          201,
        );
        for (const person of candidates)
          expectStatus(
            'person',
            await server.apiAs('hy_county', 'POST', '/api/persons', {
              ...person,
              registeringRegionCode: '430421',
            }),
            201,
          );
        const assessment = expectStatus(
          'assessment',
          await server.apiAs(loginName, 'POST', '/api/assessments', {
            occupationCode: '4-10-01-05',
            level: 'primary',
            assessedOn: server.today(),
          }),
          201,
        );
        for (const person of candidates)
          expectStatus(
            'result',
            await server.apiAs(loginName, 'POST', `/api/assessments/${assessment.id}/results`, {
              ...person,
              score: 82,
              isPassed: true,
            }),
            201,
          );
        expectStatus(
          'certificate to revoke',
          await server.apiAs(loginName, 'POST', '/api/certificates', {
            ...candidates[1],
            certificateType: 'skill_level',
            level: 'primary',
            occupationCode: '4-10-01-05',
            certificateNumber: revokedNumber,
            issuer: '珠晖区职业技能等级认定中心',
            issuedOn: server.today(),
            assessmentId: assessment.id,
          }),
          201,
        );
      },
    );
    const { page } = await newPage();
    await step('the evaluation organisation opens 考核评价与发证 from its menu', async () => {
      await loginThroughUi(page, server.baseUrl, loginName, DEMO_PASSWORD);
      await page.getByTestId('workbench-menu').getByRole('menuitem', { name: '考核评价与发证' }).click();
      await page.getByRole('heading', { name: '考核评价与发证' }).waitFor();
    });
    await step('issue a skill-level certificate to the candidate who passed', async () => {
      await page.getByRole('button', { name: '成绩与发证' }).first().click();
      const form = page.locator('form#issueCertificate');
      await form.getByLabel('持证人').click();
      await page.locator('.ant-select-dropdown:visible').getByTitle(candidates[0]!.name).click();
      await form.getByLabel('证书编号').fill(issuedNumber);
      await form.getByLabel('发证日期').click();
      await form.getByLabel('发证日期').fill(server.today());
      await form.getByLabel('发证日期').press('Enter');
      const saved = page.waitForResponse(
        (response) => response.url().endsWith('/api/certificates') && response.request().method() === 'POST',
      );
      await form.getByRole('button', { name: '颁发证书' }).click();
      const response = await saved;
      if (response.status() !== 201) throw new Error(`issue: ${response.status()} ${await response.text()}`);
      await page.getByRole('cell', { name: issuedNumber }).waitFor();
      await screenshot(page, 'evaluation-issued');
    });
    await step('revoke the other certificate with a reason', async () => {
      const row = page.getByRole('row').filter({ hasText: revokedNumber });
      await row.getByRole('button', { name: '撤销' }).click();
      await page.getByRole('dialog').getByLabel('撤销理由').fill('考核中替考，经查属实');
      const answer = await confirmDialog(page, '确认撤销');
      if (answer.status() !== 200) throw new Error(`revoke: ${answer.status()}`);
      await page
        .getByRole('row')
        .filter({ hasText: revokedNumber })
        .getByText(/已撤销/)
        .waitFor();
      await screenshot(page, 'evaluation-revoked');
    });
    await step('public verification shows the revocation', async () => {
      const { page: publicPage } = await newPage({ width: 375, height: 800 });
      await publicPage.goto(`${server.baseUrl}/verify`);
      await publicPage.getByLabel('证书编号').fill(revokedNumber);
      await publicPage.getByLabel('持证人姓名').fill(candidates[1]!.name);
      await publicPage.getByRole('button', { name: '核验' }).click();
      await publicPage.getByText('该证书已被发证机构撤销').waitFor();
      await publicPage.getByText('考核中替考，经查属实').waitFor();
      await publicPage.getByLabel('证书编号').fill(issuedNumber);
      await publicPage.getByLabel('持证人姓名').fill(candidates[0]!.name);
      await publicPage.getByRole('button', { name: '核验' }).click();
      await publicPage.getByText('证书真实有效').waitFor();
      await screenshot(publicPage, 'verify-revoked-and-valid');
    });
  },
};

export const flows: Flow[] = [certificates];
