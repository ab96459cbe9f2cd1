#include <cstdio>
#include <algorithm>
#include <vector>

int a[200000];

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    int under = 0, exact = 0, over = 0;
    {  // pairs with a[i] + a[j] <= k, counted over a sorted copy
        const long long pie_n_1 = n;
        const long long pie_k_1 = k;
        if (pie_n_1 > 0) {
            std::vector<int> pie_sorted_1(a, a + pie_n_1);
            std::sort(pie_sorted_1.begin(), pie_sorted_1.end());
            for (long long pie_j_1 = 0; pie_j_1 < pie_n_1; pie_j_1++) {
                under += (std::partition_point(pie_sorted_1.begin(), pie_sorted_1.begin() + pie_j_1, [&](int v) { return (long long)v + (long long)pie_sorted_1[pie_j_1] <= pie_k_1; }) - pie_sorted_1.begin());
            }
        }
    }
    {  // pairs with a[i] + a[j] == k, counted over a sorted copy
        const long long pie_n_2 = n;
        const long long pie_k_2 = k;
        if (pie_n_2 > 0) {
            std::vector<int> pie_sorted_2(a, a + pie_n_2);
            std::sort(pie_sorted_2.begin(), pie_sorted_2.end());
            for (long long pie_j_2 = 0; pie_j_2 < pie_n_2; pie_j_2++) {
                exact += ((std::partition_point(pie_sorted_2.begin(), pie_sorted_2.begin() + pie_j_2, [&](int v) { return (long long)v + (long long)pie_sorted_2[pie_j_2] <= pie_k_2; }) - pie_sorted_2.begin()) - (std::partition_point(pie_sorted_2.begin(), pie_sorted_2.begin() + pie_j_2, [&](int v) { return (long long)v + (long long)pie_sorted_2[pie_j_2] < pie_k_2; }) - pie_sorted_2.begin()));
            }
        }
    }
    {  // pairs with a[i] + a[j] > k, counted over a sorted copy
        const long long pie_n_3 = n;
        const long long pie_k_3 = k;
        if (pie_n_3 > 0) {
            std::vector<int> pie_sorted_3(a, a + pie_n_3);
            std::sort(pie_sorted_3.begin(), pie_sorted_3.end());
            for (long long pie_j_3 = 0; pie_j_3 < pie_n_3; pie_j_3++) {
                over += (pie_j_3 - (std::partition_point(pie_sorted_3.begin(), pie_sorted_3.begin() + pie_j_3, [&](int v) { return (long long)v + (long long)pie_sorted_3[pie_j_3] <= pie_k_3; }) - pie_sorted_3.begin()));
            }
        }
    }
    printf("%d %d %d\n", under, exact, over);
}
