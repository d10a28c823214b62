export interface Config {
  hostplane?: {
    permissions?: {
      /**
       * Groups (entity refs, such as `group:default/platform`) whose members may do anything with
       * every tenant cluster and create clusters for any owner. None by default.
       */
      platformGroups?: string[];
      /**
       * Whether users may see clusters their groups do not own (true by default). Off, the
       * Clusters page and the catalog's Hostplane data show each user their groups' clusters only.
       */
      othersMayRead?: boolean;
    };
  };
}
