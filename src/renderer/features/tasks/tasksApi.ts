import type { CreateTaskInput, Task, TaskDetail, TaskQuery, TransitionTaskInput, UpdateTaskInput } from '../../../shared/domain/task';
import { consoleApi } from '../../api/consoleApiSlice';

/** 任务管理: the list, one task with its history, and the changes (each stored before the reply). */
export const tasksApi = consoleApi.injectEndpoints({
  endpoints: (build) => ({
    listTasks: build.query<Task[], TaskQuery>({ query: (input) => ({ method: 'listTasks', input }), providesTags: ['Tasks'] }),
    getTask: build.query<TaskDetail, string>({
      query: (id) => ({ method: 'getTask', input: { id } }),
      providesTags: (_r, _e, id) => [{ type: 'Tasks', id }],
    }),
    createTask: build.mutation<Task, CreateTaskInput>({
      query: (input) => ({ method: 'createTask', input }),
      invalidatesTags: ['Tasks', 'Audit'],
    }),
    updateTask: build.mutation<Task, UpdateTaskInput>({
      query: (input) => ({ method: 'updateTask', input }),
      invalidatesTags: (_r, _e, { id }) => ['Tasks', { type: 'Tasks', id }, 'Audit'],
    }),
    transitionTask: build.mutation<Task, TransitionTaskInput>({
      query: (input) => ({ method: 'transitionTask', input }),
      invalidatesTags: (_r, _e, { id }) => ['Tasks', { type: 'Tasks', id }, 'Audit'],
    }),
  }),
});

export const { useListTasksQuery, useLazyListTasksQuery, useGetTaskQuery, useCreateTaskMutation, useUpdateTaskMutation, useTransitionTaskMutation } = tasksApi;
