#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<int> a(n);
    for (auto &x : a) cin >> x;
    long long inversions = 0, rising = 0, ties_or_less = 0;
    {  // for each j, the earlier a[i] > a[j], counted in a Fenwick tree
        const long long pie_n_1 = n;
        if (pie_n_1 > 0) {
            std::vector<int> pie_values_1(a.begin(), a.begin() + pie_n_1);
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
    {  // for each j, the earlier a[i] < a[j], counted in a Fenwick tree
        const long long pie_n_2 = n;
        if (pie_n_2 > 0) {
            std::vector<int> pie_values_2(a.begin(), a.begin() + pie_n_2);
            std::sort(pie_values_2.begin(), pie_values_2.end());
            pie_values_2.erase(std::unique(pie_values_2.begin(), pie_values_2.end()), pie_values_2.end());
            std::vector<long long> pie_tree_2(pie_values_2.size() + 1, 0);
            for (long long pie_j_2 = 0; pie_j_2 < pie_n_2; pie_j_2++) {
                const long long pie_rank_2 = std::lower_bound(pie_values_2.begin(), pie_values_2.end(), a[pie_j_2]) - pie_values_2.begin();
                long long pie_less_2 = 0, pie_not_more_2 = 0;
                for (long long pie_k_2 = pie_rank_2; pie_k_2 > 0; pie_k_2 -= pie_k_2 & -pie_k_2) pie_less_2 += pie_tree_2[pie_k_2];
                for (long long pie_k_2 = pie_rank_2 + 1; pie_k_2 > 0; pie_k_2 -= pie_k_2 & -pie_k_2) pie_not_more_2 += pie_tree_2[pie_k_2];
                rising += pie_less_2;
                for (long long pie_k_2 = pie_rank_2 + 1; pie_k_2 < (long long)pie_tree_2.size(); pie_k_2 += pie_k_2 & -pie_k_2) pie_tree_2[pie_k_2]++;
            }
        }
    }
    {  // for each j, the earlier a[i] <= a[j], counted in a Fenwick tree
        const long long pie_n_3 = n;
        if (pie_n_3 > 0) {
            std::vector<int> pie_values_3(a.begin(), a.begin() + pie_n_3);
            std::sort(pie_values_3.begin(), pie_values_3.end());
            pie_values_3.erase(std::unique(pie_values_3.begin(), pie_values_3.end()), pie_values_3.end());
            std::vector<long long> pie_tree_3(pie_values_3.size() + 1, 0);
            for (long long pie_j_3 = 0; pie_j_3 < pie_n_3; pie_j_3++) {
                const long long pie_rank_3 = std::lower_bound(pie_values_3.begin(), pie_values_3.end(), a[pie_j_3]) - pie_values_3.begin();
                long long pie_less_3 = 0, pie_not_more_3 = 0;
                for (long long pie_k_3 = pie_rank_3; pie_k_3 > 0; pie_k_3 -= pie_k_3 & -pie_k_3) pie_less_3 += pie_tree_3[pie_k_3];
                for (long long pie_k_3 = pie_rank_3 + 1; pie_k_3 > 0; pie_k_3 -= pie_k_3 & -pie_k_3) pie_not_more_3 += pie_tree_3[pie_k_3];
                ties_or_less += pie_not_more_3;
                for (long long pie_k_3 = pie_rank_3 + 1; pie_k_3 < (long long)pie_tree_3.size(); pie_k_3 += pie_k_3 & -pie_k_3) pie_tree_3[pie_k_3]++;
            }
        }
    }
    cout << inversions << " " << rising << " " << ties_or_less << "\n";
}
