#include <cstdio>
#include <vector>

int a[100005];

int main() {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    for (int i = 1; i <= n; i++)
        if (scanf("%d", &a[i]) != 1) return 1;
    { std::vector<unsigned long long> pie_prefix_1(100005 + 1); for (std::size_t pie_k_1 = 0; pie_k_1 < 100005; pie_k_1++) pie_prefix_1[pie_k_1 + 1] = pie_prefix_1[pie_k_1] + (unsigned long long)a[pie_k_1]; for (int t = 0; t < q; t++) {
        int l, r;
        if (scanf("%d %d", &l, &r) != 2) return 1;
        int sum = 0;
        if ((l) <= (r)) sum += (int)(pie_prefix_1[(r) + 1] - pie_prefix_1[l]);
        printf("%d\n", sum);
    } }
}
