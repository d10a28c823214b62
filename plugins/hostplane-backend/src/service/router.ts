import { HttpAuthService } from '@backstage/backend-plugin-api';
import { HubListResponse } from '@hostplane/plugin-hostplane-common';
import express from 'express';
import Router from 'express-promise-router';
import { HubStatusChecker } from './HubStatusChecker';

export interface RouterOptions {
  hubs: HubStatusChecker;
  httpAuth: HttpAuthService;
}

export async function createRouter({
  hubs,
  httpAuth,
}: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/hubs', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: HubListResponse = { items: await hubs.checkAll() };
    res.json(body);
  });

  return router;
}
