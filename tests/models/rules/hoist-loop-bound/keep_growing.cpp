#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<int> v = {1, 2, 3};
    for (size_t i = 0; i < v.size(); i++)
        if (v[i] % 2 == 1 && v.size() < 10) v.push_back(v[i] + 1);
    cout << v.size() << "\n";
}
