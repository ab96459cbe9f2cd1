#include <iostream>
#include <vector>
using namespace std;

int main() {
    int n = 1000000000;
    vector<int> v;
    for (int i = 0; i < n; i++) {
        v.push_back(i);
        if (i == 5) break;
    }
    cout << v.size() << "\n";
}
