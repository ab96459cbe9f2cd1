#include <iostream>
#include <algorithm>
#include <vector>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    long long inversions = 0, sums = 0;
    {  // for each j, the earlier a[i] > a[j], counted in a Fenwick tree
        const long long pie_n_1 = n;
        if (pie_n_1 > 0) {
            std::vector<long long> pie_values_1(a.begin(), a.begin() + pie_n_1);
            std::sort(pie_values_1.begin(), pie_values_1.end());
            pie_values_1.erase(std::unique(pie_values_1.begin(), pie_values_1.end()), pie_values_1.end());
            std::vector<long long> pie_tree_1(pie_values_1.size() + 1, 0);
            for (long long pie_j_1 = 0; pie_j_1 < pie_n_1; pie_j_1++) {
                const long long pie_rank_1 = std::lower_bound(pie_values_1.begin(), pie_values_1.end(), a[pie_j_1]) - pie_values_1.begin();
                long long pie_less_1 = 0, pie_not_more_1 = 0;
                for (long long pie_k_1 = pie_rank_1; pie_k_1 > 0; pie_k_1 -= pie_k_1 & -pie_k_1) pie_less_1 += pie_tree_1[pie_k_1];
                for (long long pie_k_1 = pie_rank_1 + 1; pie_k_1 > 0; pie_k_1 -= pie_k_1 & -pie_k_1) pie_not_more_1 += pie_tree_1[pie_k_1];
                inversions += (pie_j_1 - pie_not_more_1);
                for (long long pie_k_1 = pie_rank_1 + 1; pie_k_1 < (long long)pie_tree_1.size(); pie_k_1 += pie_k_1 & -pie_k_1) pie_tree_1[pie_k_1]++;
            }
        }
    }
    {  // pairs with a[i] + a[j] >= k, counted over a sorted copy
        const long long pie_n_2 = n;
        const long long pie_k_2 = 10;
        if (pie_n_2 > 0) {
            std::vector<long long> pie_sorted_1(a.begin(), a.begin() + pie_n_2);
            std::sort(pie_sorted_1.begin(), pie_sorted_1.end());
            for (long long pie_j_2 = 0; pie_j_2 < pie_n_2; pie_j_2++) {
                sums += (pie_j_2 - (std::partition_point(pie_sorted_1.begin(), pie_sorted_1.begin() + pie_j_2, [&](long long v) { return (long long)v + (long long)pie_sorted_1[pie_j_2] < pie_k_2; }) - pie_sorted_1.begin()));
            }
        }
    }
    cout << inversions << " " << sums << "\n";
}
