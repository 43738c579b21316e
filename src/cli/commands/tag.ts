import type { CommandSpec } from '../command-spec.ts';

export const tag: CommandSpec = {
  group: 'image',
  name: 'tag',
  args: '<source> <target>',
  topLevel: ['tag'],
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  run: async (ctx, [source, target]) => {
    const { openImageStore } = await import('../../image/store/open-image-store.ts');
    const { tagImage } = await import('../../image/tag-image.ts');
    tagImage(await openImageStore(ctx.root), source as string, target as string);
  },
};
